package dev.portless.connector.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressRulesTest {

    private static IngressRules rules(String yaml) {
        return IngressRules.from(ConfigNode.parse("connector.yml", yaml));
    }

    private static void assertError(String message, String yaml) {
        assertEquals(
                message, assertThrows(ConfigException.class, () -> rules(yaml)).getMessage());
    }

    @Test
    void readsRulesInOrder() {
        final IngressRules rules = rules("""
                ingress:
                  - hostname: ssh.example.com
                    service: ssh://10.0.0.5
                  - hostname: "*.db.example.com"
                    service: tcp://db.internal:5432
                    connect-timeout: 3s
                  - service: http_status:404
                """);
        final List<IngressRule> list = rules.rules();
        assertEquals(3, list.size());
        assertEquals(
                new IngressRule(
                        "ssh.example.com",
                        new TargetService("ssh", "10.0.0.5", 22),
                        IngressRules.DEFAULT_CONNECT_TIMEOUT,
                        2),
                list.get(0));
        assertEquals(Duration.ofSeconds(3), list.get(1).connectTimeout());
        assertEquals(4, list.get(1).line());
        assertEquals(new StatusService(404), list.get(2).service());
        assertEquals(7, list.get(2).line());
    }

    @Test
    void firstMatchWinsAndCatchAllTakesTheRest() {
        final IngressRules rules = rules("""
                ingress:
                  - hostname: a.example.com
                    service: tcp://a:1
                  - hostname: "*.example.com"
                    service: tcp://wild:2
                  - service: http_status:404
                """);
        assertSame(rules.rules().get(0), rules.match("A.example.com"));
        assertSame(rules.rules().get(1), rules.match("b.example.com"));
        assertSame(rules.rules().get(1), rules.match("x.a.example.com"));
        assertSame(rules.rules().get(2), rules.match("example.com"));
        assertSame(rules.rules().get(2), rules.match(null));
    }

    @Test
    void lastRuleMustBeCatchAll() {
        assertError(
                "connector.yml:5: ingress[1]: the last rule must be a catch-all without hostname or path, "
                        + "e.g. \"- service: http_status:404\"",
                """
                ingress:
                  - hostname: a.example.com
                    service: tcp://a:1
                  # the catch-all is missing
                  - hostname: b.example.com
                    service: tcp://b:1
                """);
    }

    @Test
    void catchAllBeforeTheLastIsRefused() {
        assertError(
                "connector.yml:2: ingress[0]: a rule without hostname catches everything, so the rules after "
                        + "it never apply (give it a hostname or move it to the end)",
                """
                ingress:
                  - service: tcp://a:1
                  - service: http_status:404
                """);
    }

    @Test
    void atLeastOneRule() {
        final String message = "at least one rule is required, and the last one must be a catch-all without "
                + "hostname, e.g. \"- service: http_status:404\"";
        assertError("connector.yml:1: ingress: " + message, "edge: a:1\n");
        assertError("connector.yml:2: ingress: " + message, "edge: a:1\ningress: []\n");
    }

    @Test
    void badServiceNamesTheRuleAndLine() {
        assertError(
                "connector.yml:7: ingress[2].service: unknown scheme \"ftp\" "
                        + "(expected: "
                        + "tcp, ssh, rdp, smb, http, https, unix, unix+tls, hello-world, bastion, http_status)",
                """
                ingress:
                  - hostname: a.example.com
                    service: tcp://a:1
                  - hostname: b.example.com
                    service: tcp://b:1
                  - hostname: c.example.com
                    service: ftp://c:21
                  - service: http_status:404
                """);
    }

    @Test
    void missingServiceIsReported() {
        assertError("connector.yml:2: ingress[0]: missing required key \"service\"", """
                ingress:
                  - hostname: a.example.com
                  - service: http_status:404
                """);
    }

    @Test
    void badHostnameIsReported() {
        assertError(
                "connector.yml:2: ingress[0].hostname: \"*\" is not a hostname (a catch-all rule is one "
                        + "without hostname, e.g. \"- service: http_status:404\")",
                """
                ingress:
                  - hostname: "*"
                    service: tcp://a:1
                  - service: http_status:404
                """);
    }

    @Test
    void unknownRuleKeyIsReported() {
        assertError(
                "connector.yml:4: ingress[0].originRequest: unknown key "
                        + "(expected one of: allow, allow-link-local, allow-loopback, connect-timeout, hostname, origin-request, path, service)",
                """
                ingress:
                  - hostname: a.example.com
                    service: tcp://a:1
                    originRequest: {}
                  - service: http_status:404
                """);
    }

    @Test
    void connectTimeoutIsBounded() {
        assertError("connector.yml:4: ingress[0].connect-timeout: 10m is out of range (expected: 1ms..5m)", """
                ingress:
                  - hostname: a.example.com
                    service: tcp://a:1
                    connect-timeout: 10m
                  - service: http_status:404
                """);
    }

    @Test
    void shadowedRuleIsReported() {
        assertError(
                "connector.yml:5: ingress[1].hostname: \"a.example.com\" is already matched by ingress[0] "
                        + "(line 2), so this rule never applies (remove it or move it above)",
                """
                ingress:
                  - hostname: "*.example.com"
                    service: tcp://a:1
                  - service: tcp://b:1
                    hostname: A.example.com
                  - service: http_status:404
                """);
    }

    @Test
    void ofChecksTheCatchAll() {
        final IngressRule catchAll = new IngressRule(null, new StatusService(404), Duration.ofSeconds(1), 0);
        final IngressRule exact = new IngressRule("a.b", new StatusService(403), Duration.ofSeconds(1), 0);
        assertEquals(2, IngressRules.of(List.of(exact, catchAll)).rules().size());
        assertThrows(IllegalArgumentException.class, () -> IngressRules.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> IngressRules.of(List.of(catchAll, exact)));
        assertThrows(IllegalArgumentException.class, () -> IngressRules.of(List.of(catchAll, catchAll)));
    }
}
