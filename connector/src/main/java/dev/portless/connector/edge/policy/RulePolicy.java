package dev.portless.connector.edge.policy;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An app's policy of three rule kinds: <em>include</em> (at least one must match),
 * <em>require</em> (all must match) and <em>exclude</em> (none may match). With no include rule nobody
 * is let in: deny by default.
 *
 * @param include the selectors of which at least one must match
 * @param require the selectors that must all match
 * @param exclude the selectors of which none may match
 */
public record RulePolicy(List<Selector> include, List<Selector> require, List<Selector> exclude)
        implements AccessPolicy {

    /** A policy without rules, which lets nobody in. */
    public static final RulePolicy EMPTY = new RulePolicy(List.of(), List.of(), List.of());

    /** A public app's policy ({@code policy: bypass}): everyone, signed in or not. */
    public static final RulePolicy BYPASS = new RulePolicy(List.of(new Selector.Bypass()), List.of(), List.of());

    /** Copies the rule lists. */
    public RulePolicy {
        include = List.copyOf(requireNonNull(include, "include"));
        require = List.copyOf(requireNonNull(require, "require"));
        exclude = List.copyOf(requireNonNull(exclude, "exclude"));
    }

    /** Returns this policy with one more include rule letting the named service tokens in; this one if none. */
    public RulePolicy includingServiceTokens(Set<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        List<Selector> more = new ArrayList<>(include);
        more.add(new Selector.ServiceTokens(names));
        return new RulePolicy(more, require, exclude);
    }

    @Override
    public boolean bypass() {
        return include.stream().anyMatch(Selector.Bypass.class::isInstance);
    }

    @Override
    public PolicyDecision decide(Identity identity, InetAddress client) {
        requireNonNull(identity, "identity");
        requireNonNull(client, "client");
        for (int i = 0; i < exclude.size(); i++) {
            if (exclude.get(i).matches(identity, client)) {
                return PolicyDecision.deny(
                        "exclude[" + i + "] (" + exclude.get(i).kind() + ") matched");
            }
        }
        for (int i = 0; i < require.size(); i++) {
            if (!require.get(i).matches(identity, client)) {
                return PolicyDecision.deny(
                        "require[" + i + "] (" + require.get(i).kind() + ") did not match");
            }
        }
        for (int i = 0; i < include.size(); i++) {
            if (include.get(i).matches(identity, client)) {
                return PolicyDecision.allow(
                        "include[" + i + "] (" + include.get(i).kind() + ") matched");
            }
        }
        return PolicyDecision.deny(include.isEmpty() ? "the app has no include rule" : "no include rule matched");
    }
}
