package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A long-lived key the edges share (an app-token signing key, the SSH CA key), in its text form.
 *
 * @param id      the key's id, unique within its kind
 * @param value   the key itself (a private JWK, an OpenSSH private key)
 * @param created when it was made
 */
public record StoredKey(String id, String value, Instant created) {
    /** Checks that no component is null. */
    public StoredKey {
        requireNonNull(id, "id");
        requireNonNull(value, "value");
        requireNonNull(created, "created");
    }
}
