package dev.portless.access.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;

/**
 * One local listener of {@code access forward}: connections to {@code listen} go to the app {@code hostname}.
 *
 * @param hostname the app's hostname
 * @param listen the local address to listen on (port 0: any free port)
 */
public record Forward(String hostname, HostPort listen) {
    /** Returns a forward of {@code listen} to {@code hostname}. */
    public Forward {
        requireNonNull(hostname, "hostname");
        requireNonNull(listen, "listen");
        HostPort.checkHost(hostname);
    }

    /**
     * Returns the forward a {@code --forward HOSTNAME=HOST:PORT} flag names.
     *
     * @throws IllegalArgumentException with a sentence naming the flag
     */
    public static Forward parseFlag(String text) {
        requireNonNull(text, "text");
        int equals = text.indexOf('=');
        if (equals <= 0 || equals == text.length() - 1) {
            throw new IllegalArgumentException(
                    "--forward: \"" + text + "\" (expected: HOSTNAME=HOST:PORT, e.g. db.example.com=localhost:5432)");
        }
        try {
            return new Forward(text.substring(0, equals), HostPort.parse(text.substring(equals + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--forward: " + e.getMessage(), e);
        }
    }
}
