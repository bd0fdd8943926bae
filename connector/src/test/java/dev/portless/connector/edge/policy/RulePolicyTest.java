package dev.portless.connector.edge.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.net.IpRange;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulePolicyTest {
    private static final InetAddress OFFICE = address("10.1.2.3");
    private static final InetAddress CAFE = address("203.0.113.9");
    private static final Identity ALICE =
            Identity.user("email", "alice@example.com", Optional.of("Alice@Example.com"), List.of());
    private static final Identity BOB =
            Identity.user("kc", "b-123", Optional.of("bob@partner.org"), List.of("admins", "ops"));
    private static final Identity NO_EMAIL = Identity.user("kc", "c-9", Optional.empty(), List.of("admins"));
    private static final Identity CI = Identity.serviceToken("ci");

    @Test
    void deniesEveryoneWithoutRules() {
        for (Identity who : List.of(ALICE, BOB, CI)) {
            PolicyDecision d = RulePolicy.EMPTY.decide(who, OFFICE);
            assertFalse(d.allowed());
            assertEquals("the app has no include rule", d.reason());
        }
    }

    @Test
    void requireAndExcludeAloneLetNobodyIn() {
        RulePolicy p = new RulePolicy(List.of(), List.of(new Selector.Everyone()), List.of());
        assertFalse(p.decide(ALICE, OFFICE).allowed());
    }

    @Test
    void includeLetsInWhenAnySelectorMatches() {
        RulePolicy p = new RulePolicy(
                List.of(new Selector.Emails(Set.of("carol@example.com")), new Selector.Groups(Set.of("ops"))),
                List.of(),
                List.of());
        assertTrue(p.decide(BOB, CAFE).allowed());
        assertEquals("include[1] (groups) matched", p.decide(BOB, CAFE).reason());
        assertFalse(p.decide(ALICE, CAFE).allowed());
        assertEquals("no include rule matched", p.decide(ALICE, CAFE).reason());
    }

    @Test
    void emailsCompareWithoutRegardToCase() {
        RulePolicy p = policy(new Selector.Emails(Set.of("ALICE@example.COM")));
        assertTrue(p.decide(ALICE, OFFICE).allowed());
        assertFalse(p.decide(NO_EMAIL, OFFICE).allowed());
    }

    @Test
    void emailDomainsMatchTheExactDomainOnly() {
        RulePolicy p = policy(new Selector.EmailDomains(Set.of("Example.com")));
        assertTrue(p.decide(ALICE, OFFICE).allowed());
        Identity sub = Identity.user("kc", "x", Optional.of("eve@evil.example.com"), List.of());
        Identity suffix = Identity.user("kc", "y", Optional.of("eve@notexample.com"), List.of());
        assertFalse(p.decide(sub, OFFICE).allowed());
        assertFalse(p.decide(suffix, OFFICE).allowed());
    }

    @Test
    void requireMustAllMatch() {
        RulePolicy p = new RulePolicy(
                List.of(new Selector.Everyone()),
                List.of(
                        new Selector.Groups(Set.of("admins")),
                        new Selector.IpRanges(List.of(IpRange.parse("10.0.0.0/8")))),
                List.of());
        assertTrue(p.decide(BOB, OFFICE).allowed());
        PolicyDecision fromCafe = p.decide(BOB, CAFE);
        assertFalse(fromCafe.allowed());
        assertEquals("require[1] (ip-ranges) did not match", fromCafe.reason());
        assertEquals(
                "require[0] (groups) did not match", p.decide(ALICE, OFFICE).reason());
    }

    @Test
    void excludeWinsOverInclude() {
        RulePolicy p = new RulePolicy(
                List.of(new Selector.Everyone()), List.of(), List.of(new Selector.Emails(Set.of("bob@partner.org"))));
        assertTrue(p.decide(ALICE, OFFICE).allowed());
        PolicyDecision d = p.decide(BOB, OFFICE);
        assertFalse(d.allowed());
        assertEquals("exclude[0] (emails) matched", d.reason());
    }

    @Test
    void everyoneMeansPeopleNotServiceTokens() {
        RulePolicy p = policy(new Selector.Everyone());
        assertTrue(p.decide(NO_EMAIL, CAFE).allowed());
        assertFalse(p.decide(CI, CAFE).allowed());
    }

    @Test
    void serviceTokensMatchByNameOnly() {
        RulePolicy p = policy(new Selector.ServiceTokens(Set.of("ci")));
        assertTrue(p.decide(CI, CAFE).allowed());
        assertFalse(p.decide(Identity.serviceToken("ops"), CAFE).allowed());
        Identity lookalike = Identity.user("kc", "service-token:ci", Optional.empty(), List.of());
        assertFalse(p.decide(lookalike, CAFE).allowed());
    }

    @Test
    void theServiceTokensShorthandAddsAnIncludeRule() {
        RulePolicy p = RulePolicy.EMPTY.includingServiceTokens(Set.of("ci"));
        assertTrue(p.decide(CI, OFFICE).allowed());
        assertFalse(p.decide(ALICE, OFFICE).allowed());
        assertEquals(RulePolicy.EMPTY, RulePolicy.EMPTY.includingServiceTokens(Set.of()));
    }

    @Test
    void groupsCompareExactly() {
        RulePolicy p = policy(new Selector.Groups(Set.of("Admins")));
        assertFalse(p.decide(BOB, OFFICE).allowed());
    }

    private static RulePolicy policy(Selector include) {
        return new RulePolicy(List.of(include), List.of(), List.of());
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
