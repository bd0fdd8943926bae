package dev.portless.connector.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngressRuleTest {

    private static final Service SSH = new TargetService("ssh", "10.0.0.5", 22);

    private static IngressRule rule(String pattern) {
        return new IngressRule(pattern, SSH, Duration.ofSeconds(10), 0);
    }

    @Test
    void exactMatchIgnoresCaseAndTrailingDot() {
        final IngressRule rule = rule("SSH.Example.com.");
        assertEquals("ssh.example.com", rule.hostnamePattern());
        assertTrue(rule.matches("ssh.example.com"));
        assertTrue(rule.matches("SSH.EXAMPLE.COM."));
        assertFalse(rule.matches("x.ssh.example.com"));
        assertFalse(rule.matches("example.com"));
        assertFalse(rule.matches(null));
    }

    @Test
    void wildcardMatchesOneOrMoreLabels() {
        final IngressRule rule = rule("*.example.com");
        assertTrue(rule.matches("a.example.com"));
        assertTrue(rule.matches("a.b.example.com"));
        assertTrue(rule.matches("A.Example.Com."));
        assertFalse(rule.matches("example.com"));
        assertFalse(rule.matches(".example.com"));
        assertFalse(rule.matches("aexample.com"));
        assertFalse(rule.matches("a.example.org"));
    }

    @Test
    void catchAllMatchesEverything() {
        final IngressRule rule = new IngressRule(null, new StatusService(404), Duration.ofSeconds(10), 3);
        assertTrue(rule.isCatchAll());
        assertTrue(rule.matches("anything.example"));
        assertTrue(rule.matches(null));
    }

    @Test
    void refusesOtherWildcardForms() {
        assertEquals(
                "\"*\" is not a hostname (a catch-all rule is one without hostname, "
                        + "e.g. \"- service: http_status:404\")",
                assertThrows(IllegalArgumentException.class, () -> rule("*")).getMessage());
        for (String pattern : new String[] {"a*.example.com", "*.*.example.com", "x.*.example.com", "example.*"}) {
            assertEquals(
                    '"' + pattern + "\": a wildcard may only be the whole leftmost label "
                            + "(expected: an exact hostname or *.example.com)",
                    assertThrows(IllegalArgumentException.class, () -> rule(pattern))
                            .getMessage());
        }
    }

    @Test
    void refusesNonHostnames() {
        for (String pattern : new String[] {"https://a.example.com", "a.example.com:22", "a..b", "a b", ""}) {
            assertThrows(IllegalArgumentException.class, () -> rule(pattern), pattern);
        }
    }

    @Test
    void coversDetectsShadowedRules() {
        assertTrue(rule("*.example.com").covers(rule("a.example.com")));
        assertTrue(rule("*.example.com").covers(rule("*.a.example.com")));
        assertTrue(rule("*.example.com").covers(rule("*.example.com")));
        assertTrue(rule("a.example.com").covers(rule("A.example.com.")));
        assertFalse(rule("a.example.com").covers(rule("*.example.com")));
        assertFalse(rule("*.a.example.com").covers(rule("*.example.com")));
        assertFalse(rule("*.example.com").covers(rule("example.com")));
    }
}
