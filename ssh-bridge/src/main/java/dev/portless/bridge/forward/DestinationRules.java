package dev.portless.bridge.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.config.HostPort;
import dev.portless.common.destination.AllowEntry;
import dev.portless.common.destination.SpecialAddresses;
import dev.portless.common.net.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The bridge policy: deny by default, then the union of the rules that name the certificate's
 * principal. Loopback and link-local destinations (169.254.169.254 above all) stay refused even when a
 * name or a broad range would let them through, unless an entry lists them on purpose or
 * {@code allow-loopback}/{@code allow-link-local} is set:
 *
 * <pre>{@code
 * allow-loopback: false
 * allow-link-local: false
 * policy:
 *   - principals: [alice, bob]
 *     allow: [10.0.0.0/8:22, db.internal:5432]
 *   - principals: "*"
 *     allow: [127.0.0.1:2200-2300]
 * }</pre>
 */
public final class DestinationRules implements DestinationPolicy {

    private static final Set<String> RULE_KEYS = Set.of("principals", "allow");
    /** The longest DNS name; IPv6 literals are far shorter. */
    private static final int MAX_HOST_CHARS = 253;

    private final List<PolicyRule> rules;
    private final SpecialAddresses specialAddresses;
    private final Resolver resolver;

    DestinationRules(List<PolicyRule> rules, boolean allowLoopback, boolean allowLinkLocal, Resolver resolver) {
        this.rules = List.copyOf(rules);
        this.specialAddresses = new SpecialAddresses(allowLoopback, allowLinkLocal);
        this.resolver = requireNonNull(resolver, "resolver");
    }

    /**
     * Returns the rules under {@code policy} of a bridge configuration, resolving names with {@code resolver};
     * {@code allowLoopback} and {@code allowLinkLocal} are the top-level switches of the same names.
     *
     * @throws ConfigException naming the file, line and rule of the first mistake
     */
    public static DestinationRules from(
            ConfigNode root, boolean allowLoopback, boolean allowLinkLocal, Resolver resolver) {
        requireNonNull(root, "root");
        final List<PolicyRule> rules = new ArrayList<>();
        for (ConfigNode item : root.list("policy")) {
            item.rejectUnknownKeys(RULE_KEYS);
            final List<ConfigNode> allowItems = item.list("allow");
            if (allowItems.isEmpty()) {
                throw item.error("allow", "at least one destination is required (" + AllowEntry.EXPECTED + ')');
            }
            final List<AllowEntry> allow = new ArrayList<>();
            for (ConfigNode allowItem : allowItems) {
                try {
                    allow.add(AllowEntry.parse(allowItem.asString()));
                } catch (IllegalArgumentException e) {
                    throw allowItem.error(e.getMessage());
                }
            }
            rules.add(new PolicyRule(principals(item), allow));
        }
        return new DestinationRules(rules, allowLoopback, allowLinkLocal, resolver);
    }

    /** Returns whether no rule allows anything, so every forward will be refused. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    @Override
    public ForwardDecision decide(String principal, String host, int port) {
        requireNonNull(principal, "principal");
        requireNonNull(host, "host");
        if (host.isEmpty() || host.length() > MAX_HOST_CHARS || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // Never echoed: the sentence goes to the log, and the client chose these characters.
            return ForwardDecision.refused("the destination is not a valid host name or address");
        }
        final String destination = host.indexOf(':') >= 0 ? '[' + host + "]:" + port : host + ':' + port;
        final List<AllowEntry> entries = entriesFor(principal, port);
        final InetAddress literal = IpLiterals.parse(host);
        if (literal != null) {
            // A special address says what it is even when no rule covers it: "link-local" tells the user
            // more than "not allowed", and no broad rule will ever change the answer.
            final boolean covered = entries.stream().anyMatch(entry -> entry.containsAddress(literal));
            final String special = specialAddresses.problem(literal, entries, covered);
            if (special != null) {
                return ForwardDecision.refused(
                        destination + " is refused: " + IpLiterals.text(literal) + ' ' + special);
            }
            return covered
                    ? ForwardDecision.dial(new InetSocketAddress(literal, port))
                    : ForwardDecision.refused(notAllowed(destination, principal));
        }
        final String name;
        try {
            HostPort.checkHost(host);
            name = AllowEntry.normalizeName(host);
        } catch (IllegalArgumentException e) {
            return ForwardDecision.refused(destination + " is refused: " + e.getMessage());
        }
        final boolean nameMatched = entries.stream().anyMatch(entry -> entry.matchesName(name));
        if (!nameMatched && entries.stream().noneMatch(AllowEntry::isRange)) {
            // No rule could allow this name whatever it resolves to: do not even ask DNS.
            return ForwardDecision.refused(notAllowed(destination, principal));
        }
        final InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            return ForwardDecision.unreachable(
                    "cannot resolve " + host + " from the bridge (check the name, " + "or the bridge's DNS)");
        }
        String firstSpecial = null;
        for (InetAddress address : addresses) {
            final boolean covered = nameMatched || entries.stream().anyMatch(entry -> entry.containsAddress(address));
            if (!covered) {
                continue;
            }
            final String special = specialAddresses.problem(address, entries, true);
            if (special == null) {
                return ForwardDecision.dial(new InetSocketAddress(address, port));
            }
            if (firstSpecial == null) {
                firstSpecial = "it resolves to " + IpLiterals.text(address) + ", which " + special;
            }
        }
        return ForwardDecision.refused(
                firstSpecial != null
                        ? destination + " is refused: " + firstSpecial
                        : notAllowed(destination, principal));
    }

    private static String notAllowed(String destination, String principal) {
        return destination + " is not allowed for principal \"" + principal + "\" by the bridge policy";
    }

    private List<AllowEntry> entriesFor(String principal, int port) {
        final List<AllowEntry> entries = new ArrayList<>();
        for (PolicyRule rule : rules) {
            if (rule.appliesTo(principal)) {
                rule.allow().stream().filter(entry -> entry.coversPort(port)).forEach(entries::add);
            }
        }
        return entries;
    }

    /** Returns the principals of a rule: a list of names, or the single value {@code "*"} for everyone. */
    private static Set<String> principals(ConfigNode rule) {
        final List<ConfigNode> items;
        try {
            items = rule.list("principals");
        } catch (ConfigException notAList) {
            // ConfigNode has no type query; a single value is only valid as "*".
            final String text = rule.requireString("principals");
            if (!text.equals("*")) {
                throw rule.error("principals", "expected a list of principals, or \"*\" for every principal");
            }
            return null;
        }
        if (items.isEmpty()) {
            throw rule.error("missing required key \"principals\" (a list of certificate principals, or \"*\")");
        }
        final Set<String> names = new LinkedHashSet<>();
        for (ConfigNode item : items) {
            final String name = item.asString();
            if (name.equals("*")) {
                throw item.error("write principals: \"*\" on its own to match every principal");
            }
            names.add(name);
        }
        return names;
    }
}
