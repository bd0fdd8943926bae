package dev.portless.connector.edge.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which headers cross the edge with a web-app request and its response. Hop-by-hop headers end at
 * the edge (RFC 9110 §7.6.1), and so do the edge's credentials and metadata: a browser cannot hand
 * the origin a {@code Cf-Access-Jwt-Assertion} or a {@code portless-*} header of its own making, and
 * the edge's cookies never leave it. {@code Expect: 100-continue} is answered by the edge.
 */
public final class ProxiedHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "transfer-encoding",
            "upgrade",
            "proxy-authorization",
            "http2-settings",
            "host",
            // The edge answers 100-continue itself and streams the body as the tunnel allows.
            "expect");
    private static final Set<String> CREDENTIALS = Set.of(
            "cf-access-jwt-assertion",
            "cf-access-authenticated-user-email",
            "cf-access-token",
            "cf-access-client-id",
            "cf-access-client-secret",
            "access-client-id",
            "access-client-secret");

    private ProxiedHeaders() {}

    /**
     * Adds to {@code out} the browser's end-to-end headers of {@code in}, lower case, without what
     * ends at the edge; {@code authorization} stays unless {@code tokenConsumed} (it carried the app
     * token the edge verified).
     */
    public static Http2Headers request(HttpHeaders in, Http2Headers out, boolean tokenConsumed) {
        Set<String> named = connectionTokens(in);
        for (Map.Entry<String, String> h : in) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name)
                    || named.contains(name)
                    || CREDENTIALS.contains(name)
                    || name.startsWith("portless-")
                    || (tokenConsumed && name.equals("authorization"))) {
                if (name.equals("te") && h.getValue().trim().equalsIgnoreCase("trailers")) {
                    out.add(name, "trailers");
                }
                continue;
            }
            if (name.equals("cookie")) {
                Optional<String> kept = AppCookies.withoutOwn(h.getValue());
                kept.ifPresent(v -> out.add(name, v));
                continue;
            }
            out.add(name, h.getValue());
        }
        return out;
    }

    /**
     * Adds to {@code out} the headers of the connector's answer {@code in} a browser may see: no
     * pseudo-headers, no hop-by-hop header, nothing the tunnel protocol uses.
     */
    public static HttpHeaders response(Http2Headers in, HttpHeaders out) {
        for (Map.Entry<CharSequence, CharSequence> h : in) {
            String name = h.getKey().toString().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || HOP_BY_HOP.contains(name) || name.startsWith("portless-")) {
                continue;
            }
            out.add(name, h.getValue());
        }
        return out;
    }

    private static Set<String> connectionTokens(HttpHeaders in) {
        Set<String> named = new HashSet<>();
        for (String v : in.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : v.split(",")) {
                named.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return named;
    }
}
