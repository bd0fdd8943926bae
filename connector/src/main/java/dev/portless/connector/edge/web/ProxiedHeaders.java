package dev.portless.connector.edge.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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
    // AsciiString sets: names are compared as they come off the codecs, without a String per header.
    private static final Set<AsciiString> HOP_BY_HOP = names(
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
    private static final Set<AsciiString> CREDENTIALS = names(
            "cf-access-jwt-assertion",
            "cf-access-authenticated-user-email",
            "cf-access-token",
            "cf-access-client-id",
            "cf-access-client-secret",
            "access-client-id",
            "access-client-secret");
    private static final AsciiString PORTLESS_PREFIX = AsciiString.cached("portless-");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");

    private ProxiedHeaders() {}

    /**
     * Adds to {@code out} the browser's end-to-end headers of {@code in}, lower case, without what
     * ends at the edge; {@code authorization} stays unless {@code tokenConsumed} (it carried the app
     * token the edge verified).
     */
    public static Http2Headers request(HttpHeaders in, Http2Headers out, boolean tokenConsumed) {
        Set<AsciiString> named = connectionTokens(in);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            AsciiString name = lowerCase(h.getKey());
            if (HOP_BY_HOP.contains(name)
                    || named.contains(name)
                    || CREDENTIALS.contains(name)
                    || name.startsWith(PORTLESS_PREFIX)
                    || (tokenConsumed && HttpHeaderNames.AUTHORIZATION.contentEquals(name))) {
                if (HttpHeaderNames.TE.contentEquals(name)
                        && AsciiString.contentEqualsIgnoreCase(AsciiString.trim(h.getValue()), TRAILERS)) {
                    out.add(name, TRAILERS);
                }
                continue;
            }
            if (HttpHeaderNames.COOKIE.contentEquals(name)) {
                Optional<String> kept = AppCookies.withoutOwn(h.getValue().toString());
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
            AsciiString name = lowerCase(h.getKey());
            if ((!name.isEmpty() && name.charAt(0) == ':')
                    || HOP_BY_HOP.contains(name)
                    || name.startsWith(PORTLESS_PREFIX)) {
                continue;
            }
            out.add(name, h.getValue());
        }
        return out;
    }

    /** Returns {@code name} lower case, as an AsciiString (itself when it is one already in lower case). */
    private static AsciiString lowerCase(CharSequence name) {
        return AsciiString.of(name).toLowerCase();
    }

    /** Returns the lower-case field names the Connection headers of {@code in} list, which are hop-by-hop too. */
    private static Set<AsciiString> connectionTokens(HttpHeaders in) {
        if (!in.contains(HttpHeaderNames.CONNECTION)) {
            return Set.of();
        }
        return connectionTokens(in.getAll(HttpHeaderNames.CONNECTION));
    }

    /** Returns the lower-case field names that Connection header values list. */
    private static Set<AsciiString> connectionTokens(List<? extends CharSequence> values) {
        Set<AsciiString> named = new HashSet<>();
        for (CharSequence v : values) {
            for (String token : v.toString().split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    named.add(lowerCase(t));
                }
            }
        }
        return named;
    }

    private static Set<AsciiString> names(String... names) {
        Set<AsciiString> set = new HashSet<>();
        for (String n : names) {
            set.add(AsciiString.cached(n));
        }
        return Set.copyOf(set);
    }
}
