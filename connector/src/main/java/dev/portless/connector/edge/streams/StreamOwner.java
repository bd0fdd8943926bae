package dev.portless.connector.edge.streams;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;

/**
 * Whose a stream is: what an administrator's sign-out is matched against.
 *
 * @param identity who the edge let in
 * @param app      the app hostname
 * @param since    when the credential that let the stream in was issued
 */
public record StreamOwner(Identity identity, String app, Instant since) {
    /** Checks that no component is null. */
    public StreamOwner {
        requireNonNull(identity, "identity");
        requireNonNull(app, "app");
        requireNonNull(since, "since");
    }
}
