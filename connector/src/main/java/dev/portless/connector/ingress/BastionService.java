package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import dev.portless.common.config.HostPort;
import dev.portless.common.destination.AllowEntry;
import dev.portless.common.destination.SpecialAddresses;
import dev.portless.common.net.IpLiterals;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A bastion: the stream names its destination ({@code Access-Jump-Destination}, or cloudflared's
 * {@code Cf-Access-Jump-Destination}) and the connector dials it when the rule's allow-list covers it.
 * Loopback, link-local and metadata addresses stay refused unless listed on purpose or switched on:
 *
 * <pre>{@code
 * - hostname: jump.example.com
 *   service: bastion
 *   allow: [10.0.0.0/8:22, db.internal:5432, "*.corp.internal:443"]
 *   allow-loopback: false
 *   allow-link-local: false
 * }</pre>
 *
 * @param allow   the destinations the rule allows, at least one
 * @param special the refusal of special addresses and its switches
 */
public record BastionService(List<AllowEntry> allow, SpecialAddresses special) implements Service {

    /** The {@code service:} spelling. */
    public static final String NAME = "bastion";

    /** The rule keys only a bastion rule takes. */
    static final Set<String> KEYS = Set.of("allow", "allow-loopback", "allow-link-local");

    /** Copies the list and refuses an empty one: deny by default needs at least one entry to mean anything. */
    public BastionService {
        requireNonNull(special, "special");
        allow = List.copyOf(requireNonNull(allow, "allow"));
        if (allow.isEmpty()) {
            throw new IllegalArgumentException("allow: empty (expected: at least one destination)");
        }
    }

    /** Returns the bastion of the rule {@code item}, whose {@code service} is {@value #NAME}. */
    static BastionService read(ConfigNode item) {
        final List<ConfigNode> items = item.has("allow") ? item.list("allow") : List.of();
        if (items.isEmpty()) {
            throw item.error(
                    "allow",
                    "a bastion needs at least one allowed destination, and refuses everything else ("
                            + AllowEntry.EXPECTED + ')');
        }
        final List<AllowEntry> allow = new ArrayList<>(items.size());
        for (ConfigNode entry : items) {
            try {
                allow.add(AllowEntry.parse(entry.asString()));
            } catch (IllegalArgumentException e) {
                throw entry.error(e.getMessage());
            }
        }
        return new BastionService(
                allow,
                new SpecialAddresses(
                        item.booleanValue("allow-loopback", false), item.booleanValue("allow-link-local", false)));
    }

    /**
     * Returns the first check of {@code destination} (the stream's jump destination, {@code host:port} or
     * {@code [v6]:port}, optionally after {@code tcp://}), made without DNS: a refusal, an address to dial, or
     * a name to resolve and then pass to {@link #checkResolved}.
     */
    public BastionDecision check(String destination) {
        requireNonNull(destination, "destination");
        final String text = destination.startsWith("tcp://") ? destination.substring(6) : destination;
        final HostPort hostPort;
        try {
            hostPort = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            // Never echoed: the client chose these characters.
            return new BastionDecision.Refused("the jump destination is not host:port");
        }
        final int port = hostPort.port();
        final List<AllowEntry> entries =
                allow.stream().filter(entry -> entry.coversPort(port)).toList();
        final InetAddress literal = IpLiterals.parse(hostPort.host());
        if (literal != null) {
            return checkAddress(hostPort, literal, entries, false);
        }
        final String name = AllowEntry.normalizeName(hostPort.host());
        final boolean nameMatched = entries.stream().anyMatch(entry -> entry.matchesName(name));
        if (!nameMatched && entries.stream().noneMatch(AllowEntry::isRange)) {
            // No entry could allow this name whatever it resolves to: do not even ask DNS.
            return notAllowed(hostPort);
        }
        return new BastionDecision.Resolve(hostPort, nameMatched);
    }

    /**
     * Returns the check of the address {@code resolved} a name of {@link BastionDecision.Resolve} resolved
     * to: it is dialed only if covered and not special, so what is checked is what is dialed.
     */
    public BastionDecision checkResolved(BastionDecision.Resolve name, InetAddress resolved) {
        requireNonNull(name, "name");
        requireNonNull(resolved, "resolved");
        final int port = name.destination().port();
        final List<AllowEntry> entries =
                allow.stream().filter(entry -> entry.coversPort(port)).toList();
        return checkAddress(name.destination(), resolved, entries, name.nameMatched());
    }

    private BastionDecision checkAddress(
            HostPort destination, InetAddress address, List<AllowEntry> entries, boolean nameMatched) {
        final boolean covered = nameMatched || entries.stream().anyMatch(entry -> entry.containsAddress(address));
        final String problem = special.problem(address, entries, covered);
        if (problem != null) {
            final boolean literal = IpLiterals.parse(destination.host()) != null;
            return new BastionDecision.Refused(destination + " is refused: "
                    + (literal
                            ? IpLiterals.text(address) + ' ' + problem
                            : "it resolves to " + IpLiterals.text(address) + ", which " + problem));
        }
        return covered ? new BastionDecision.Dial(destination, address) : notAllowed(destination);
    }

    private static BastionDecision notAllowed(HostPort destination) {
        return new BastionDecision.Refused(destination + " is not in the bastion's allow-list");
    }

    @Override
    public String toString() {
        return NAME + allow;
    }
}
