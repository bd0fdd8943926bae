package dev.portless.connector.edge.identity.pin;

import static java.util.Objects.requireNonNull;

/**
 * A PIN sign-in in progress as a browser session keeps it: only the id of the challenge in the edge's store
 * (which holds the PIN's digest, its expiry and the tries left at every edge) and the address, to show.
 *
 * @param challengeId the store's challenge id, a secret the browser also carries in the {@value PinProvider#COOKIE}
 *                    cookie
 * @param email       the address the PIN went to
 */
public record PinSignIn(String challengeId, String email) {
    /** Checks that no component is null. */
    public PinSignIn {
        requireNonNull(challengeId, "challengeId");
        requireNonNull(email, "email");
    }
}
