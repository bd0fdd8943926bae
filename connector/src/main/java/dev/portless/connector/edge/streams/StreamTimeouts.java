package dev.portless.connector.edge.streams;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * An app's optional limits on the streams to it, from its {@code max-stream-duration} and
 * {@code idle-timeout} keys; {@link Duration#ZERO} means no limit, the default: Portless itself
 * cuts no stream for its age or its silence.
 *
 * @param maxStreamDuration how long a stream may last, or zero
 * @param idleTimeout       how long a stream may carry no byte either way, or zero
 */
public record StreamTimeouts(Duration maxStreamDuration, Duration idleTimeout) {
    /** No limit of either kind. */
    public static final StreamTimeouts NONE = new StreamTimeouts(Duration.ZERO, Duration.ZERO);

    /** Checks that neither limit is null or negative. */
    public StreamTimeouts {
        requireNonNull(maxStreamDuration, "maxStreamDuration");
        requireNonNull(idleTimeout, "idleTimeout");
        if (maxStreamDuration.isNegative() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("stream timeouts: " + maxStreamDuration + ", " + idleTimeout
                    + " (expected: zero for none, or positive)");
        }
    }
}
