package dev.portless.connector.edge.policy;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a policy: allowed or not, and which rule decided, for the edge's logs only
 * (users see that they are not allowed, never the policy's internals).
 *
 * @param allowed whether the identity may reach the app
 * @param reason  which rule decided, e.g. {@code include[1] (groups) matched}
 */
public record PolicyDecision(boolean allowed, String reason) {
    /** Checks that the reason is present. */
    public PolicyDecision {
        requireNonNull(reason, "reason");
    }

    /** Returns an allowing decision. */
    public static PolicyDecision allow(String reason) {
        return new PolicyDecision(true, reason);
    }

    /** Returns a denying decision. */
    public static PolicyDecision deny(String reason) {
        return new PolicyDecision(false, reason);
    }
}
