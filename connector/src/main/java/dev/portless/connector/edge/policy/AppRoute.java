package dev.portless.connector.edge.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Set;

/**
 * What the edge knows of one app: where its streams go, who may open them, and how long
 * its app tokens last.
 *
 * @param hostname        the app's hostname, lower case
 * @param tunnel          the name of the tunnel whose connectors serve it
 * @param policy          who may reach it, from where
 * @param sessionDuration the lifetime of the app tokens the edge issues for it
 */
public record AppRoute(String hostname, String tunnel, AccessPolicy policy, Duration sessionDuration) {
    /** The app token lifetime when an app names none. */
    public static final Duration DEFAULT_SESSION_DURATION = Duration.ofHours(24);

    /** Checks that no component is null. */
    public AppRoute {
        requireNonNull(hostname, "hostname");
        requireNonNull(tunnel, "tunnel");
        requireNonNull(policy, "policy");
        requireNonNull(sessionDuration, "sessionDuration");
    }

    /** Returns a route that only the named service tokens may use. */
    public AppRoute(String hostname, String tunnel, Set<String> serviceTokens) {
        this(hostname, tunnel, RulePolicy.EMPTY.includingServiceTokens(serviceTokens), DEFAULT_SESSION_DURATION);
    }
}
