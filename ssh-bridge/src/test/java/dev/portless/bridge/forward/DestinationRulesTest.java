package dev.portless.bridge.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.net.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy decisions, with a fixed table standing in for DNS so rebinding tricks can be played. */
class DestinationRulesTest {

    private static final String POLICY = String.join(
            "\n",
            "policy:",
            "  - principals: [alice]",
            "    allow:",
            "      - 10.0.0.0/8:22",
            "      - db.internal:5432",
            "      - \"*.corp.internal:22\"",
            "      - 0.0.0.0/0:80",
            "      - 127.0.0.1:2200-2300",
            "      - \"[fd00::/8]:*\"",
            "  - principals: \"*\"",
            "    allow: [shared.internal:443]",
            "");

    private final List<String> lookups = new ArrayList<>();
    private final Map<String, String> dns = Map.of(
            "db.internal", "10.1.2.3",
            "web.corp.internal", "10.9.0.1",
            "rebound.corp.internal", "169.254.169.254",
            "localhost.corp.internal", "127.0.0.1",
            "shared.internal", "10.5.5.5",
            "outside.example", "198.51.100.1",
            "inside.example", "10.7.7.7",
            "corp.internal", "198.51.100.2");

    @Test
    void dialsExactlyTheAddressTheNameResolvedToOnce() {
        final InetSocketAddress dial = dial(rules(POLICY).decide("alice", "db.internal", 5432));
        assertEquals(new InetSocketAddress(IpLiterals.parse("10.1.2.3"), 5432), dial);
        assertEquals(List.of("db.internal"), lookups, "one lookup, and the dial uses its answer");
    }

    @Test
    void matchesRangesAgainstLiteralsAndResolvedNames() {
        final DestinationRules rules = rules(POLICY);
        assertEquals(
                IpLiterals.parse("10.20.30.40"),
                dial(rules.decide("alice", "10.20.30.40", 22)).getAddress());
        assertEquals(
                IpLiterals.parse("10.7.7.7"),
                dial(rules.decide("alice", "inside.example", 22)).getAddress());
        assertEquals(
                IpLiterals.parse("10.9.0.1"),
                dial(rules.decide("alice", "WEB.corp.internal.", 22)).getAddress());
        assertEquals(
                IpLiterals.parse("fd00::7"),
                dial(rules.decide("alice", "fd00::7", 9999)).getAddress());
        dial(rules.decide("alice", "127.0.0.1", 2250));
        dial(rules.decide("bob", "shared.internal", 443));
    }

    @Test
    void refusesWhatNoRuleAllowsForThatPrincipal() {
        final DestinationRules rules = rules(POLICY);
        assertRefused(
                "10.20.30.40:23 is not allowed for principal \"alice\" by the bridge policy",
                rules.decide("alice", "10.20.30.40", 23));
        assertRefused(
                "10.20.30.40:22 is not allowed for principal \"bob\" by the bridge policy",
                rules.decide("bob", "10.20.30.40", 22));
        assertRefused(
                "outside.example:22 is not allowed for principal \"alice\" by the bridge policy",
                rules.decide("alice", "outside.example", 22));
        assertRefused("corp.internal:22 is not allowed", rules.decide("alice", "corp.internal", 22));
    }

    @Test
    void neverAsksDnsForANameNoRuleCouldAllow() {
        final DestinationRules rules =
                rules(String.join("\n", "policy:", "  - principals: [alice]", "    allow: [db.internal:5432]", ""));
        assertRefused("not allowed", rules.decide("alice", "exfiltrate.attacker.example", 5432));
        assertRefused("not allowed", rules.decide("alice", "db.internal", 22));
        assertEquals(List.of(), lookups);
    }

    @Test
    void refusesMetadataAndLinkLocalEvenUnderABroadRange() {
        final DestinationRules rules = rules(POLICY);
        assertRefused(
                "169.254.169.254:80 is refused: 169.254.169.254 is a link-local or cloud metadata address",
                rules.decide("alice", "169.254.169.254", 80));
        assertRefused("is a link-local", rules.decide("alice", "fe80::1", 22));
        // Same answer for a principal no rule names: the address class is the reason that matters.
        assertRefused(
                "169.254.169.254:80 is refused: 169.254.169.254 is a link-local",
                rules.decide("mallory", "169.254.169.254", 80));
    }

    @Test
    void refusesANameThatResolvesIntoASpecialRange() {
        final DestinationRules rules = rules(POLICY);
        assertRefused(
                "rebound.corp.internal:22 is refused: it resolves to 169.254.169.254, which is a link-local",
                rules.decide("alice", "rebound.corp.internal", 22));
        assertRefused(
                "localhost.corp.internal:22 is refused: it resolves to 127.0.0.1, which is a loopback address",
                rules.decide("alice", "localhost.corp.internal", 22));
    }

    @Test
    void refusesLoopbackUnlessListedOrAllowed() {
        // No rule holds 127.0.0.1:22, so allow-loopback alone would not admit it: the switch is not offered.
        assertEquals(
                "127.0.0.1:22 is refused: 127.0.0.1 is a loopback address (a service on the host "
                        + "itself); list it in the policy (e.g. 127.0.0.1:PORT)",
                assertInstanceOf(ForwardDecision.Refused.class, rules(POLICY).decide("alice", "127.0.0.1", 22))
                        .reason());
        final DestinationRules broad = rules(String.join(
                "\n", "policy:", "  - principals: [alice]", "    allow: [0.0.0.0/0:22, 169.254.169.254:80]", ""));
        assertRefused(
                "127.0.0.1:22 is refused: 127.0.0.1 is a loopback address (a service on the host "
                        + "itself); list it in the policy (e.g. 127.0.0.1:PORT) or set allow-loopback: true",
                broad.decide("alice", "127.0.0.1", 22));
        dial(broad.decide("alice", "169.254.169.254", 80));
        final DestinationRules allowed = DestinationRules.from(
                ConfigNode.parse(
                        "bridge.yml",
                        String.join(
                                "\n",
                                "policy:",
                                "  - principals: [alice]",
                                "    allow: [0.0.0.0/0:22, 0.0.0.0/0:80]",
                                "")),
                true,
                true,
                this::resolve);
        dial(allowed.decide("alice", "127.0.0.1", 22));
        dial(allowed.decide("alice", "169.254.169.254", 80));
        assertRefused("0.0.0.0:22 is refused: 0.0.0.0 is not a single host", allowed.decide("alice", "0.0.0.0", 22));
    }

    @Test
    void neverEchoesAHostWithControlCharacters() {
        assertRefused(
                "the destination is not a valid host name or address",
                rules(POLICY).decide("alice", "db.internal\nforged log line", 5432));
        assertRefused(
                "the destination is not a valid host name or address",
                rules(POLICY).decide("alice", "a".repeat(300), 22));
        assertEquals(List.of(), lookups);
    }

    @Test
    void refusesAmbiguousIpv4FormsWithoutAskingDns() {
        // curl and ping read 0177.0.0.1 as 127.0.0.1; the JDK's resolver would read 177.0.0.1.
        for (String host : List.of("0177.0.0.1", "0x7f.0.0.1", "127.1", "2130706433", "010.0.0.1", "10.0.0.1.")) {
            assertRefused(
                    host + ":80 is refused: \"" + host + "\" is an ambiguous IPv4 address (leading zeros, octal, "
                            + "hex, a trailing dot or fewer than four parts are read differently by different "
                            + "tools); write four decimal numbers without leading zeros, such as 127.0.0.1",
                    rules(POLICY).decide("alice", host, 80));
        }
        assertEquals(List.of(), lookups);
        assertConfigError(
                "bridge.yml:3: policy[0].allow[0]: \"010.0.0.0\" is an ambiguous IPv4 address (leading zeros, "
                        + "octal, hex, a trailing dot or fewer than four parts are read differently by different "
                        + "tools); write four decimal numbers without leading zeros, such as 127.0.0.1",
                "policy:",
                "  - principals: [alice]",
                "    allow: [010.0.0.0/8:22]");
    }

    @Test
    void reportsAnUnknownNameAsUnreachableNotAsPolicy() {
        final ForwardDecision decision = rules(POLICY).decide("alice", "nowhere.corp.internal", 22);
        final ForwardDecision.Refused refused = assertInstanceOf(ForwardDecision.Refused.class, decision);
        assertTrue(refused.unreachable());
        assertEquals(
                "cannot resolve nowhere.corp.internal from the bridge (check the name, or the bridge's DNS)",
                refused.reason());
    }

    @Test
    void configMistakesNameFileLineAndKey() {
        assertConfigError(
                "bridge.yml:5: policy[0].allow[1]: \"db.internal\" has no port",
                "policy:",
                "  - principals: [alice]",
                "    allow:",
                "      - 10.0.0.0/8:22",
                "      - db.internal");
        assertConfigError(
                "bridge.yml:3: policy[0].allow[0]: \"10.0.0.1/8\" has host bits set " + "(did you mean 10.0.0.0/8?)",
                "policy:",
                "  - principals: [alice]",
                "    allow: [10.0.0.1/8:22]");
        assertConfigError(
                "bridge.yml:3: policy[0].allow[0]: \"*:22\": \"*\" would allow every host",
                "policy:",
                "  - principals: [alice]",
                "    allow: [\"*:22\"]");
        assertConfigError(
                "bridge.yml:3: policy[0].allow[0]: \"db:2300-2200\": the port range 2300-2200 runs backwards",
                "policy:",
                "  - principals: [alice]",
                "    allow: [\"db:2300-2200\"]");
        assertConfigError(
                "bridge.yml:2: policy[0].principals: expected a list of principals, or \"*\"",
                "policy:",
                "  - principals: alice",
                "    allow: [db:22]");
        assertConfigError(
                "bridge.yml:3: policy[0].allw: unknown key (expected one of: allow, principals)",
                "policy:",
                "  - principals: [alice]",
                "    allw: [db:22]");
        assertConfigError(
                "bridge.yml:2: policy[0].allow: at least one destination is required",
                "policy:",
                "  - principals: [alice]");
    }

    private void assertConfigError(String expectedStart, String... lines) {
        final ConfigException e = assertThrows(ConfigException.class, () -> rules(String.join("\n", lines) + "\n"));
        assertTrue(
                e.getMessage().startsWith(expectedStart),
                () -> "expected <" + expectedStart + "...>, got <" + e.getMessage() + ">");
    }

    private DestinationRules rules(String yaml) {
        return DestinationRules.from(ConfigNode.parse("bridge.yml", yaml), false, false, this::resolve);
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        lookups.add(host);
        final String address = dns.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {IpLiterals.parse(address)};
    }

    private static InetSocketAddress dial(ForwardDecision decision) {
        if (decision instanceof ForwardDecision.Refused) {
            throw new AssertionError("refused: " + ((ForwardDecision.Refused) decision).reason());
        }
        return ((ForwardDecision.Dial) decision).address();
    }

    private static void assertRefused(String expectedPart, ForwardDecision decision) {
        final ForwardDecision.Refused refused = assertInstanceOf(ForwardDecision.Refused.class, decision);
        assertTrue(
                refused.reason().contains(expectedPart),
                () -> "expected the reason to contain <" + expectedPart + ">, got <" + refused.reason() + ">");
    }
}
