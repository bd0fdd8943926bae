package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.RulePolicy;
import dev.portless.connector.edge.sshca.SshRule;
import dev.portless.connector.edge.streams.StreamTimeouts;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * An app the edge serves, as configured under {@code apps}:
 *
 * <pre>{@code
 * - hostname: ssh.example.com
 *   tunnel: office
 *   session-duration: 8h           # how long an app token lasts (default 24h)
 *   service-tokens: [ci]           # shorthand for an include rule "service-tokens: [ci]"
 *   policy:
 *     include:
 *       - email-domains: [example.com]
 *     require:
 *       - ip-ranges: [10.0.0.0/8]
 *     exclude:
 *       - emails: [mallory@example.com]
 *   ssh:                           # the edge signs short-lived SSH certificates for it (see SshRuleReader)
 *     principals: [deploy]
 *   max-stream-duration: 12h       # optional: end each stream after this long (default: never)
 *   idle-timeout: 30m              # optional: end a stream with no byte either way for this long (default: never)
 * }</pre>
 *
 * @param hostname        the exact app hostname, lower case, without a trailing dot
 * @param tunnel          the name of the tunnel whose connectors serve the app
 * @param serviceTokens   the names of the service tokens the {@code service-tokens} shorthand lets in
 * @param policy          the app's rules as written under {@code policy}
 * @param sessionDuration how long an app token for this app lasts
 * @param ssh             the SSH certificate rule; absent when the edge signs no certificates for it
 * @param streamTimeouts  the optional limits on each stream's duration and idleness
 */
public record AppEntry(
        String hostname,
        String tunnel,
        List<String> serviceTokens,
        RulePolicy policy,
        Duration sessionDuration,
        Optional<SshRule> ssh,
        StreamTimeouts streamTimeouts) {

    /** Checks that no component is null and copies the token names. */
    public AppEntry {
        requireNonNull(hostname, "hostname");
        requireNonNull(tunnel, "tunnel");
        serviceTokens = List.copyOf(requireNonNull(serviceTokens, "serviceTokens"));
        requireNonNull(policy, "policy");
        requireNonNull(sessionDuration, "sessionDuration");
        requireNonNull(ssh, "ssh");
        requireNonNull(streamTimeouts, "streamTimeouts");
    }

    /** Returns an app without SSH certificates. */
    public AppEntry(
            String hostname, String tunnel, List<String> serviceTokens, RulePolicy policy, Duration sessionDuration) {
        this(hostname, tunnel, serviceTokens, policy, sessionDuration, Optional.empty(), StreamTimeouts.NONE);
    }

    /** Returns an app that only the named service tokens reach, with the default session duration. */
    public AppEntry(String hostname, String tunnel, List<String> serviceTokens) {
        this(hostname, tunnel, serviceTokens, RulePolicy.EMPTY, AppRoute.DEFAULT_SESSION_DURATION);
    }

    /** Returns what the edge's streams and sign-in pages need of this app. */
    public AppRoute route() {
        return new AppRoute(hostname, tunnel, effectivePolicy(), sessionDuration);
    }

    /** Returns the policy the edge enforces: the rules plus the {@code service-tokens} shorthand. */
    public RulePolicy effectivePolicy() {
        return policy.includingServiceTokens(new LinkedHashSet<>(serviceTokens));
    }
}
