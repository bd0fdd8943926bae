package dev.portless.connector.edge.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where a browser may be sent after sign-in: only a path on the edge itself. Absolute URLs,
 * scheme-relative {@code //host} forms, backslashes and control characters are refused, so a link
 * cannot turn the sign-in into an open redirect.
 */
public final class ReturnPaths {
    /** Longer return paths are refused (an authorize request with its parameters fits easily). */
    static final int MAX_LENGTH = 4096;

    private ReturnPaths() {}

    /** Returns {@code candidate} when it is a same-origin relative path, else {@code "/"}. */
    public static String sanitize(String candidate) {
        return check(candidate).orElse("/");
    }

    /** Returns {@code candidate} when it is a same-origin relative path. */
    public static Optional<String> check(String candidate) {
        if (candidate == null
                || candidate.isEmpty()
                || candidate.length() > MAX_LENGTH
                || candidate.charAt(0) != '/'
                || candidate.startsWith("//")) {
            return Optional.empty();
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c == '\\' || c < 0x21 || c == 0x7f) {
                return Optional.empty();
            }
        }
        try {
            URI uri = new URI(candidate);
            if (uri.getScheme() != null || uri.getRawAuthority() != null || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            // "/%2F%2Fevil.example" decodes to "//evil.example": refuse encoded slashes at the start too.
            String path = uri.getPath();
            if (path == null || path.startsWith("//") || path.contains("\\")) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        return Optional.of(candidate);
    }
}
