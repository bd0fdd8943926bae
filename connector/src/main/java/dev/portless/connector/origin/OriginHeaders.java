package dev.portless.connector.origin;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.token.VerifiedAppToken;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header rewriting of the web proxy: a tunnel stream's request into the origin's HTTP/1.1 request,
 * and the origin's response and trailers back into HTTP/2 headers.
 *
 * <p>Both ways it removes the hop-by-hop headers (RFC 9110 section 7.6.1) and every {@code portless-*}
 * header: the edge tells a connector's error from an origin's by {@code portless-error}, so no origin may
 * send one, and the stream's metadata is for the connector alone. Towards the origin it adds what a
 * reverse proxy adds, and what origins behind Cloudflare Access already read: the verified app token in
 * {@code Cf-Access-Jwt-Assertion} and the e-mail in {@code Cf-Access-Authenticated-User-Email}, whose
 * incoming copies it drops, so a client can never forge them.
 */
public final class OriginHeaders {
    /** The Via entry this proxy adds. */
    static final String VIA = "1.1 portless";

    static final String CF_ACCESS_JWT_ASSERTION = "cf-access-jwt-assertion";
    static final String CF_ACCESS_EMAIL = "cf-access-authenticated-user-email";
    static final String CF_CONNECTING_IP = "cf-connecting-ip";
    static final String X_FORWARDED_FOR = "x-forwarded-for";
    static final String X_FORWARDED_PROTO = "x-forwarded-proto";
    static final String X_FORWARDED_HOST = "x-forwarded-host";

    // AsciiString sets: names are compared as they come off the codecs, without a String per header.
    private static final Set<AsciiString> HOP_BY_HOP = names(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "transfer-encoding",
            "upgrade",
            "proxy-authorization",
            "proxy-authenticate");
    /** Request headers the proxy sets itself, so incoming copies never pass. */
    private static final Set<AsciiString> SET_BY_PROXY = names(
            "host", CF_ACCESS_JWT_ASSERTION, CF_ACCESS_EMAIL, CF_CONNECTING_IP, X_FORWARDED_PROTO, X_FORWARDED_HOST);

    private static final AsciiString PORTLESS_PREFIX = AsciiString.cached("portless-");
    private static final AsciiString X_FORWARDED_FOR_NAME = AsciiString.cached(X_FORWARDED_FOR);
    /** The headers of the origin's 101 that the edge needs to complete a browser's WebSocket handshake. */
    private static final List<String> UPGRADE_ANSWER =
            List.of("sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions");

    private OriginHeaders() {}

    /**
     * Returns the origin's request for the tunnel stream's {@code request}.
     *
     * @param hostHeader the Host the origin sees: the rule's {@code http-host-header}, else the app hostname
     * @param appToken   the app token the stream carried, verified
     * @param verified   its claims
     * @param hasBody    whether DATA follows the request headers
     * @param websocket  whether this is a WebSocket upgrade
     */
    public static HttpRequest toOrigin(
            Http2Headers request,
            String hostHeader,
            String appToken,
            VerifiedAppToken verified,
            boolean hasBody,
            boolean websocket) {
        requireNonNull(request, "request");
        requireNonNull(hostHeader, "hostHeader");
        requireNonNull(appToken, "appToken");
        requireNonNull(verified, "verified");
        String method = request.method() == null ? "GET" : request.method().toString();
        String path = request.path() == null ? "/" : request.path().toString();
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path, true);
        HttpHeaders h = out.headers();
        Set<AsciiString> named = request.contains(HttpHeaderNames.CONNECTION)
                ? connectionTokens(request.getAll(HttpHeaderNames.CONNECTION))
                : Set.of();
        List<CharSequence> cookies = null;
        String appHost = request.authority() == null ? "" : request.authority().toString();
        String forwardedFor = null;
        String via = null;
        for (Map.Entry<CharSequence, CharSequence> e : request) {
            AsciiString name = lowerCase(e.getKey());
            if ((!name.isEmpty() && name.charAt(0) == ':') || dropped(name, named) || SET_BY_PROXY.contains(name)) {
                continue;
            }
            if (HttpHeaderNames.COOKIE.contentEquals(name)) {
                if (cookies == null) {
                    cookies = new ArrayList<>(2);
                }
                cookies.add(e.getValue());
            } else if (X_FORWARDED_FOR_NAME.contentEquals(name)) {
                forwardedFor = join(forwardedFor, e.getValue().toString());
            } else if (HttpHeaderNames.VIA.contentEquals(name)) {
                via = join(via, e.getValue().toString());
            } else {
                h.add(name, e.getValue());
            }
        }
        // HTTP/2 may split cookies into several fields; HTTP/1.1 wants one (RFC 9113 section 8.2.3).
        if (cookies != null) {
            h.set(HttpHeaderNames.COOKIE, String.join("; ", cookies));
        }
        h.set(HttpHeaderNames.HOST, hostHeader);
        String client = string(request.get(TunnelProtocol.CLIENT_ADDRESS));
        if (client != null) {
            h.set(X_FORWARDED_FOR, join(forwardedFor, client));
            h.set(CF_CONNECTING_IP, client);
        } else if (forwardedFor != null) {
            h.set(X_FORWARDED_FOR, forwardedFor);
        }
        h.set(X_FORWARDED_PROTO, "https");
        h.set(X_FORWARDED_HOST, appHost);
        h.set(HttpHeaderNames.VIA, join(via, VIA));
        h.set(CF_ACCESS_JWT_ASSERTION, appToken);
        verified.email().ifPresent(email -> h.set(CF_ACCESS_EMAIL, email));
        if (websocket) {
            h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else if (hasBody && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return out;
    }

    /** Returns the tunnel stream's response headers for the origin's {@code response}. */
    public static Http2Headers toTunnel(HttpResponse response) {
        requireNonNull(response, "response");
        Http2Headers out = new DefaultHttp2Headers()
                .status(Integer.toString(response.status().code()));
        copyEndToEnd(response.headers(), out);
        return out;
    }

    /** Returns the trailers of a chunked response as HTTP/2 trailers, end-to-end fields only. */
    public static Http2Headers trailers(HttpHeaders trailing) {
        requireNonNull(trailing, "trailing");
        Http2Headers out = new DefaultHttp2Headers();
        copyEndToEnd(trailing, out);
        return out;
    }

    /** Returns the stream's answer to an upgrade the origin accepted with {@code switching} (its 101). */
    public static Http2Headers upgraded(HttpResponse switching) {
        Http2Headers out = new DefaultHttp2Headers().status("200").set(TunnelProtocol.UPGRADED, "websocket");
        for (String name : UPGRADE_ANSWER) {
            for (String value : switching.headers().getAll(name)) {
                out.add(name, value);
            }
        }
        return out;
    }

    private static void copyEndToEnd(HttpHeaders from, Http2Headers to) {
        Set<AsciiString> named = from.contains(HttpHeaderNames.CONNECTION)
                ? connectionTokens(from.getAll(HttpHeaderNames.CONNECTION))
                : Set.of();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            AsciiString name = lowerCase(e.getKey());
            if (!dropped(name, named)) {
                to.add(name, e.getValue());
            }
        }
    }

    /** Returns whether a field is not passed on: hop-by-hop, named by Connection, or the tunnel's own. */
    static boolean dropped(AsciiString name, Set<AsciiString> connectionNamed) {
        return HOP_BY_HOP.contains(name) || connectionNamed.contains(name) || name.startsWith(PORTLESS_PREFIX);
    }

    /** Returns the lower-case field names a Connection header lists, which are hop-by-hop too. */
    private static Set<AsciiString> connectionTokens(List<? extends CharSequence> values) {
        // What nearly every origin sends names no other field: no set to build.
        if (values.size() == 1
                && (AsciiString.contentEqualsIgnoreCase(values.get(0), HttpHeaderValues.KEEP_ALIVE)
                        || AsciiString.contentEqualsIgnoreCase(values.get(0), HttpHeaderValues.CLOSE))) {
            return Set.of();
        }
        Set<AsciiString> names = new HashSet<>();
        for (CharSequence value : values) {
            for (String token : value.toString().split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    names.add(lowerCase(t));
                }
            }
        }
        return names;
    }

    /** Returns {@code name} lower case, as an AsciiString (itself when it is one already in lower case). */
    private static AsciiString lowerCase(CharSequence name) {
        return AsciiString.of(name).toLowerCase();
    }

    private static Set<AsciiString> names(String... names) {
        Set<AsciiString> set = new HashSet<>();
        for (String n : names) {
            set.add(AsciiString.cached(n));
        }
        return Set.copyOf(set);
    }

    private static String join(String list, String value) {
        return list == null ? value : list + ", " + value;
    }

    private static String string(CharSequence s) {
        return s == null || s.length() == 0 ? null : s.toString();
    }

    /** Returns whether {@code request} asks for the origin's keep-alive to end with this exchange. */
    static boolean closes(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }
}
