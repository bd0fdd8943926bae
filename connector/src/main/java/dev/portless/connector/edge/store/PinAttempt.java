package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What one try of a stored PIN challenge found.
 *
 * @param outcome   whether the PIN matched, and if not why the sign-in failed
 * @param challenge the challenge tried, with the tries left at every edge after this one, unless it was unknown
 */
public record PinAttempt(Outcome outcome, Optional<StoredPinChallenge> challenge) {
    /** The try of a challenge nobody started (or one expired and swept). */
    public static final PinAttempt UNKNOWN = new PinAttempt(Outcome.UNKNOWN, Optional.empty());

    /** Checks that no component is null and that only an unknown challenge is absent. */
    public PinAttempt {
        requireNonNull(outcome, "outcome");
        requireNonNull(challenge, "challenge");
        if (challenge.isEmpty() != (outcome == Outcome.UNKNOWN)) {
            throw new IllegalArgumentException("challenge: " + challenge + " (expected: present unless UNKNOWN)");
        }
    }

    /** The result of one try. */
    public enum Outcome {
        /** The PIN matched; the challenge is used up. */
        SIGNED_IN,
        /** Wrong; tries are left. */
        WRONG,
        /** Wrong too often at any edge, or already used. */
        LOCKED,
        /** Past its lifetime. */
        EXPIRED,
        /** No such challenge. */
        UNKNOWN
    }
}
