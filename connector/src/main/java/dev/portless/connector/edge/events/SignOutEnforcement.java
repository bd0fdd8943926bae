package dev.portless.connector.edge.events;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An administrator's sign-out as one edge enforced it: whom, from which app, and what it ended there.
 *
 * @param identity     whom: {@code user:<e-mail or subject>} or {@code service-token:<name>}
 * @param app          the app hostname, or empty for every app
 * @param signedOutAt  when the sign-out was made
 * @param madeHere     whether this edge's admin listener took it (else the edge learnt it from the shared store)
 * @param streamsEnded how many live streams of the identity this edge ended, WebSocket upgrades included
 */
public record SignOutEnforcement(String identity, String app, Instant signedOutAt, boolean madeHere, int streamsEnded) {
    /** Checks that no component is null. */
    public SignOutEnforcement {
        requireNonNull(identity, "identity");
        requireNonNull(app, "app");
        requireNonNull(signedOutAt, "signedOutAt");
    }
}
