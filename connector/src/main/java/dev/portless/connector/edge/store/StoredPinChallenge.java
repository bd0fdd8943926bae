package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A PIN challenge as the store keeps it, without its PIN.
 *
 * @param email        the address the PIN was mailed to
 * @param returnTo     where the browser goes once signed in
 * @param attemptsLeft the tries left, across every edge
 * @param expiresAt    when the PIN stops working
 */
public record StoredPinChallenge(String email, String returnTo, int attemptsLeft, Instant expiresAt) {
    /** Checks that no component is null and that the tries left are not negative. */
    public StoredPinChallenge {
        requireNonNull(email, "email");
        requireNonNull(returnTo, "returnTo");
        requireNonNull(expiresAt, "expiresAt");
        if (attemptsLeft < 0) {
            throw new IllegalArgumentException("attemptsLeft: " + attemptsLeft + " (expected: at least 0)");
        }
    }
}
