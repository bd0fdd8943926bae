package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;

/**
 * A signed-in browser session as every edge sees it.
 *
 * @param id        the session's id, the secret its cookie carries
 * @param csrf      the token its forms carry
 * @param identity  who signed in
 * @param expiresAt when it ends
 */
public record StoredSession(String id, String csrf, Identity identity, Instant expiresAt) {
    /** Checks that no component is null. */
    public StoredSession {
        requireNonNull(id, "id");
        requireNonNull(csrf, "csrf");
        requireNonNull(identity, "identity");
        requireNonNull(expiresAt, "expiresAt");
    }
}
