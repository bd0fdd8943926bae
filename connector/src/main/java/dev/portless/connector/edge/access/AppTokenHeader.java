package dev.portless.connector.edge.access;

import io.netty.util.AsciiString;

/**
 * The app token as a tunnel stream's request carries it. The edge sends the same minted token (a service
 * token's, a public app's) on every stream for minutes, and as the same {@link AsciiString} each time HPACK
 * finds it in its table by a cached hash and by identity; as a {@code String} it was hashed and compared char
 * by char (some 600) for every stream, and the header's value check walked it char by char as well.
 */
final class AppTokenHeader {
    /** The last token asked for, with its header value; a new token replaces it. */
    private record Last(String token, AsciiString value) {}

    private static volatile Last last;

    private AppTokenHeader() {}

    /** Returns {@code token} as a header value: the same object as last time when it is the same token. */
    static CharSequence of(String token) {
        if (token == null) {
            return null;
        }
        Last l = last;
        // By identity: the minted tokens' cache hands out the same String for as long as it reuses a token.
        if (l == null || l.token() != token) {
            l = new Last(token, new AsciiString(token));
            last = l;
        }
        return l.value();
    }
}
