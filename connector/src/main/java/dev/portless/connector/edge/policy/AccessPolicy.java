package dev.portless.connector.edge.policy;

import java.net.InetAddress;

/**
 * The rule that decides whether an identity, connecting from an address, may reach one app. The edge consults it
 * at sign-in, when it issues an app token, and again on every connection.
 */
@FunctionalInterface
public interface AccessPolicy {
    /** A policy that lets nobody in: what an app without rules gets. */
    AccessPolicy DENY_ALL = (identity, client) -> PolicyDecision.deny("the app has no policy rules");

    /** Returns whether the app is public: requests need no credentials at all ({@code policy: bypass}). */
    default boolean bypass() {
        return false;
    }

    /** Returns the decision for {@code identity} connecting from {@code client}. */
    PolicyDecision decide(Identity identity, InetAddress client);
}
