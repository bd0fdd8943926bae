package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An administrator's sign-out of one identity, from one app or from every app: the app tokens and browser
 * sessions the identity obtained up to {@code at} are refused, and its live streams end. It is not a ban: a
 * sign-in after {@code at} works.
 *
 * @param identity  {@code user:<e-mail or subject>} or {@code service-token:<name>}
 * @param app       the app hostname, or empty for every app
 * @param at        when it was made, in whole seconds: a token issued in that second or before is refused
 * @param expiresAt when it may be forgotten: no token or session from before {@code at} lives that long
 */
public record IdentitySignOut(String identity, String app, Instant at, Instant expiresAt) {
    /** Checks that no component is null. */
    public IdentitySignOut {
        requireNonNull(identity, "identity");
        requireNonNull(app, "app");
        requireNonNull(at, "at");
        requireNonNull(expiresAt, "expiresAt");
    }

    /** Returns whether this sign-out covers {@code hostname}: it names that app, or every app. */
    public boolean covers(String hostname) {
        return app.isEmpty() || app.equals(hostname);
    }
}
