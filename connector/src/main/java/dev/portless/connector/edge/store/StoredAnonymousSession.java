package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A browser session nobody has signed in to yet, as every edge sees it: enough for a form shown by one edge to be
 * posted to another behind the same load balancer.
 *
 * @param id        the session's id, the secret its cookie carries
 * @param csrf      the token its forms carry
 * @param expiresAt when it ends
 */
public record StoredAnonymousSession(String id, String csrf, Instant expiresAt) {
    /** Checks that no component is null. */
    public StoredAnonymousSession {
        requireNonNull(id, "id");
        requireNonNull(csrf, "csrf");
        requireNonNull(expiresAt, "expiresAt");
    }
}
