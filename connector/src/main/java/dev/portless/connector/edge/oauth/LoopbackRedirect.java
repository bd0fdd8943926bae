package dev.portless.connector.edge.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * The only redirect URIs the {@code access} CLI may use (RFC 8252 §7.3): plain {@code http}
 * on the loopback literal {@code 127.0.0.1} or {@code [::1]}, any port, path exactly {@code /callback},
 * nothing else. {@code localhost} is refused: it may resolve elsewhere.
 */
public final class LoopbackRedirect {
    /** The one path the CLI listens on. */
    public static final String PATH = "/callback";

    private LoopbackRedirect() {}

    /** Returns {@code text} as a URI when it is an acceptable loopback redirect. */
    public static Optional<URI> parse(String text) {
        if (text == null || text.length() > 64) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean loopback = "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
        if (!"http".equals(uri.getScheme())
                || !loopback
                || uri.getPort() < 1
                || uri.getPort() > 65535
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || !PATH.equals(uri.getRawPath())) {
            return Optional.empty();
        }
        // The authority must be exactly host:port, so "http://127.0.0.1:80@evil" never slips through.
        if (!uri.getRawAuthority().equals(uri.getHost() + ":" + uri.getPort())) {
            return Optional.empty();
        }
        return Optional.of(uri);
    }
}
