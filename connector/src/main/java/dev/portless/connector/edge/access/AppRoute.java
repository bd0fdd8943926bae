package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.AppEntry;
import dev.portless.connector.edge.policy.AccessPolicy;
import dev.portless.connector.edge.policy.RulePolicy;
import java.time.Duration;
import java.util.Set;

/**
 * Returns what the edge knows of one app: where its streams go, who may open them, and how long
 * its app tokens last.
 *
 * @param hostname        the app's hostname, lower case
 * @param tunnel          the name of the tunnel whose connectors serve it
 * @param policy          who may reach it, from where
 * @param sessionDuration the lifetime of the app tokens the edge issues for it
 */
public record AppRoute(String hostname, String tunnel, AccessPolicy policy, Duration sessionDuration) {
    /** Checks that no component is null. */
    public AppRoute {
        requireNonNull(hostname, "hostname");
        requireNonNull(tunnel, "tunnel");
        requireNonNull(policy, "policy");
        requireNonNull(sessionDuration, "sessionDuration");
    }

    /** Returns a route that only the named service tokens may use. */
    public AppRoute(String hostname, String tunnel, Set<String> serviceTokens) {
        this(hostname, tunnel, RulePolicy.EMPTY.includingServiceTokens(serviceTokens),
                AppEntry.DEFAULT_SESSION_DURATION);
    }

    /** Returns the route of a configured app. */
    public static AppRoute of(AppEntry app) {
        return new AppRoute(app.hostname(), app.tunnel(), app.effectivePolicy(), app.sessionDuration());
    }
}
