package dev.portless.connector.origin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The header rewriting for an HTTP/2 origin: the request {@link OriginHeaders} prepared as HTTP/1.1
 * becomes HTTP/2 request headers ({@code Host} as {@code :authority}, no connection-specific field), and
 * the origin's response and trailers become the tunnel stream's, end-to-end fields only.
 */
final class Http2OriginHeaders {
    /** The fields RFC 9113 section 8.2.2 forbids in HTTP/2, besides {@code Host}, which becomes {@code :authority}. */
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te");

    private Http2OriginHeaders() {}

    /**
     * Returns the HTTP/2 form of {@code prepared}; {@code te: trailers}, the one TE value HTTP/2 allows,
     * passes when the client sent it ({@code browser}), as gRPC needs.
     */
    static Http2Headers request(HttpRequest prepared, Http2Headers browser) {
        Http2Headers out = new DefaultHttp2Headers()
                .method(prepared.method().name())
                .scheme("https")
                .path(prepared.uri())
                .authority(prepared.headers().get(HttpHeaderNames.HOST));
        for (Map.Entry<String, String> e : prepared.headers()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("host") && !CONNECTION_SPECIFIC.contains(name)) {
                out.add(name, e.getValue());
            }
        }
        if (browser.contains(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true)) {
            out.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
        return out;
    }

    /** Returns the tunnel stream's response headers for the origin's HTTP/2 {@code response}. */
    static Http2Headers response(Http2Headers response) {
        Http2Headers out = new DefaultHttp2Headers().status(response.status());
        copyEndToEnd(response, out);
        return out;
    }

    /** Returns the tunnel stream's trailers for the origin's HTTP/2 {@code trailers}. */
    static Http2Headers trailers(Http2Headers trailers) {
        Http2Headers out = new DefaultHttp2Headers();
        copyEndToEnd(trailers, out);
        return out;
    }

    private static void copyEndToEnd(Http2Headers from, Http2Headers to) {
        for (Map.Entry<CharSequence, CharSequence> e : from) {
            AsciiString name = AsciiString.of(e.getKey()).toLowerCase();
            if ((name.isEmpty() || name.charAt(0) != ':') && !OriginHeaders.dropped(name, Set.of())) {
                to.add(name, e.getValue());
            }
        }
    }
}
