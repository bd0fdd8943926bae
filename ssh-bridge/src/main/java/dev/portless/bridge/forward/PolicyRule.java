package dev.portless.bridge.forward;

import dev.portless.common.destination.AllowEntry;
import java.util.List;
import java.util.Set;

/**
 * One rule of the bridge policy: the certificate principals it applies to ({@code null} for
 * {@code "*"}, every principal) and the destinations it allows them.
 */
record PolicyRule(Set<String> principals, List<AllowEntry> allow) {

    PolicyRule {
        principals = principals == null ? null : Set.copyOf(principals);
        allow = List.copyOf(allow);
    }

    boolean appliesTo(String principal) {
        return principals == null || principals.contains(principal);
    }
}
