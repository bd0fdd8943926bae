package dev.portless.connector.edge.access;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The checks of a parsed request head that two HTTP parsers could read two ways (request
 * smuggling), on top of what Netty's decoder refuses itself (Content-Length with Transfer-Encoding,
 * repeated or malformed Content-Length, a final coding other than chunked, bare LF, control
 * characters in a header): a Transfer-Encoding other than exactly {@code chunked}, two Host headers,
 * and an absolute-form target whose host is not the Host header's.
 */
final class RequestHeadRules {
    /** The sentence of a 431 on either protocol. */
    static final String HEADERS_TOO_LARGE = "Request header fields too large: the headers exceed the edge's limit.";

    private RequestHeadRules() {}

    /** Returns the status and sentence that refuse {@code request}, or null when it may go on. */
    static Refusal check(HttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpHeaderException) {
                return new Refusal(431, HEADERS_TOO_LARGE);
            }
            if (cause instanceof TooLongHttpLineException) {
                return new Refusal(414, "Request line too long: the request target exceeds the edge's limit.");
            }
            return new Refusal(400, "Malformed HTTP request.");
        }
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).trim().equalsIgnoreCase("chunked"))) {
            return new Refusal(400, "Bad request: Transfer-Encoding must be exactly \"chunked\".");
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Refusal(400, "Bad request: more than one Host header.");
        }
        String uri = request.uri();
        if (!uri.startsWith("/") && !uri.equals("*")) {
            try {
                URI target = new URI(uri);
                String host = target.getHost();
                String header = hosts.isEmpty() ? "" : StreamAdmission.hostOnly(hosts.get(0));
                if (host == null || !host.toLowerCase(Locale.ROOT).equals(header)) {
                    return new Refusal(400, "Bad request: the request target names another host than Host.");
                }
            } catch (URISyntaxException e) {
                return new Refusal(400, "Bad request: the request target is not a valid URI.");
            }
        }
        return null;
    }

    /** Returns the path and query of a request target, also of an absolute-form one (its host was checked). */
    static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        URI u = URI.create(uri);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }

    /**
     * Why a request head is refused.
     *
     * @param status   the HTTP status
     * @param sentence the plain-text answer
     */
    record Refusal(int status, String sentence) {}
}
