package dev.portless.access.edge;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where the edge is: host and port to dial and verify the certificate against.
 *
 * @param host the edge's host name or IP address
 * @param port the edge's TLS port
 */
public record EdgeEndpoint(String host, int port) {

    /**
     * Returns the endpoint of {@code text}: {@code https://host[:port]} or {@code host[:port]}
     * (port 443 by default).
     */
    public static EdgeEndpoint parse(String text) {
        requireNonNull(text, "text");
        String t = text.trim();
        if (!t.contains("://")) {
            t = "https://" + t;
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("edge: \"" + text + "\" is not a URL (expected: https://host[:port])");
        }
        if (!"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))
                && !"wss".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("edge: \"" + text + "\" must use https (expected: https://host[:port])");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("edge: \"" + text + "\" has no host (expected: https://host[:port])");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new EdgeEndpoint(host, uri.getPort() == -1 ? 443 : uri.getPort());
    }

    @Override
    public String toString() {
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + (port == 443 ? "" : ":" + port);
    }
}
