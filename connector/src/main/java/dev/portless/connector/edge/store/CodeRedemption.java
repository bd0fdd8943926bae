package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What spending a single-use code found.
 *
 * @param outcome whether the code was good, spent before, or never issued (or expired and swept)
 * @param payload what the code was issued for, unless it was unknown
 */
public record CodeRedemption(Outcome outcome, Optional<String> payload) {
    /** The redemption of a code nobody issued. */
    public static final CodeRedemption UNKNOWN = new CodeRedemption(Outcome.UNKNOWN, Optional.empty());

    /** Checks that no component is null and that only an unknown code has no payload. */
    public CodeRedemption {
        requireNonNull(outcome, "outcome");
        requireNonNull(payload, "payload");
        if (payload.isEmpty() != (outcome == Outcome.UNKNOWN)) {
            throw new IllegalArgumentException("payload: " + payload + " (expected: present unless UNKNOWN)");
        }
    }

    /** Whether a code was spent by this redemption. */
    public enum Outcome {
        /** This redemption spent the code. */
        FIRST,
        /** The code was spent before, here or at another edge. */
        REPLAY,
        /** No such code. */
        UNKNOWN
    }
}
