package dev.portless.connector.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.connector.demo.DemoCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Web services, paths and origin-request blocks in ingress rules, and the errors a mistake gives at start. */
class WebIngressRulesTest {
    @TempDir
    Path dir;

    private IngressRules rules(String yaml) {
        return IngressRules.from(ConfigNode.parse(dir.resolve("connector.yml").toString(), yaml));
    }

    private void assertError(String message, String yaml) {
        String file = dir.resolve("connector.yml").toString();
        assertEquals(
                file + message,
                assertThrows(ConfigException.class, () -> rules(yaml)).getMessage());
    }

    @Test
    void readsEveryWebService() {
        IngressRules r = rules("""
                ingress:
                  - hostname: a.example.com
                    service: http://localhost:3000
                  - hostname: b.example.com
                    service: https://grafana.internal/
                  - hostname: c.example.com
                    service: unix:/run/app.sock
                  - hostname: d.example.com
                    service: unix+tls:/run/tls.sock
                  - hostname: e.example.com
                    service: hello-world
                  - service: http_status:404
                """);
        assertEquals(
                new OriginService("http", "localhost", 3000, Optional.empty()),
                r.rules().get(0).service());
        OriginService https = (OriginService) r.rules().get(1).service();
        assertEquals(443, https.port());
        assertTrue(https.tls());
        OriginService unix = (OriginService) r.rules().get(2).service();
        assertEquals(Optional.of(Path.of("/run/app.sock")), unix.socketPath());
        assertTrue(((OriginService) r.rules().get(3).service()).tls());
        assertInstanceOf(HelloWorldService.class, r.rules().get(4).service());
        assertEquals(OriginRequest.DEFAULTS, r.rules().get(0).originRequest());
        assertEquals(Duration.ofSeconds(30), OriginRequest.DEFAULTS.connectTimeout());
        assertEquals(100, OriginRequest.DEFAULTS.keepAliveConnections());
        assertEquals(Duration.ofSeconds(90), OriginRequest.DEFAULTS.keepAliveTimeout());
    }

    @Test
    void aRuleWithAPathTakesOnlyWebRequestsOfThatPath() {
        IngressRules r = rules("""
                ingress:
                  - hostname: app.example.com
                    path: ^/api/
                    service: http://api:8080
                  - path: \\.png$
                    service: http://images:80
                  - hostname: app.example.com
                    service: http://web:80
                  - service: http_status:404
                """);
        assertSame(r.rules().get(0), r.matchWeb("app.example.com", "/api/v1"));
        assertSame(r.rules().get(1), r.matchWeb("app.example.com", "/logo.png"));
        assertSame(r.rules().get(1), r.matchWeb("other.example.com", "/x/logo.png"));
        assertSame(r.rules().get(2), r.matchWeb("app.example.com", "/v1/api/"));
        assertSame(r.rules().get(3), r.matchWeb("other.example.com", "/"));
        // A TCP stream has no path: it passes both path rules by.
        assertSame(r.rules().get(2), r.match("app.example.com"));
        assertSame(r.rules().get(3), r.match("other.example.com"));
    }

    @Test
    void aRuleWithoutPathShadowsLaterPathRulesButNotTheOtherWay() {
        assertError(
                ":4: ingress[1].hostname: \"a.example.com with path ^/api\" is already matched by ingress[0] "
                        + "(line 2), so this rule never applies (remove it or move it above)",
                """
                ingress:
                  - hostname: a.example.com
                    service: http://web:80
                  - hostname: a.example.com
                    path: ^/api
                    service: http://api:80
                  - service: http_status:404
                """);
        assertError(
                ":4: ingress[1].path: \"any hostname with path ^/a\" is already matched by ingress[0] "
                        + "(line 2), so this rule never applies (remove it or move it above)",
                """
                ingress:
                  - path: ^/a
                    service: http://web:80
                  - path: ^/a
                    service: http://api:80
                  - service: http_status:404
                """);
        IngressRules ok = rules("""
                ingress:
                  - hostname: a.example.com
                    path: ^/api
                    service: http://api:80
                  - hostname: a.example.com
                    service: http://web:80
                  - service: http_status:404
                """);
        assertEquals(3, ok.rules().size());
    }

    @Test
    void aPathThatDoesNotCompileIsALineNumberedError() {
        assertError(
                ":4: ingress[0].path: \"^/api/(v1\" is not a regular expression: Unclosed group at index 9 "
                        + "(expected: a Java regular expression such as ^/api/)",
                """
                ingress:
                  - hostname: a.example.com
                    service: http://api:80
                    path: ^/api/(v1
                  - service: http_status:404
                """);
    }

    @Test
    void aPathOnATcpRuleOrALastRuleIsRefused() {
        assertError(
                ":4: ingress[0].path: a path applies to web requests only, and ssh://db:22 is a TCP service "
                        + "(remove the path, or use an http, https, unix, unix+tls or hello-world service)",
                """
                ingress:
                  - hostname: a.example.com
                    service: ssh://db
                    path: ^/
                  - service: http_status:404
                """);
        assertError(
                ":2: ingress[0]: the last rule must be a catch-all without hostname or path, "
                        + "e.g. \"- service: http_status:404\"",
                """
                ingress:
                  - path: ^/
                    service: http_status:404
                """);
    }

    @Test
    void readsTheOriginRequestBlock() throws IOException {
        DemoCertificates.write(dir, List.of("internal.local"), List.of());
        Path ca = dir.resolve("ca.pem");
        IngressRule rule = rules("""
                        ingress:
                          - hostname: a.example.com
                            service: https://grafana.internal:3000
                            origin-request:
                              connect-timeout: 2s
                              tls-timeout: 3s
                              no-tls-verify: true
                              ca-pool: ca.pem
                              origin-server-name: internal.local
                              http-host-header: grafana.internal:3000
                              keep-alive-connections: 7
                              keep-alive-timeout: 20s
                              http2-origin: true
                          - service: http_status:404
                        """).rules().get(0);
        assertEquals(
                new OriginRequest(
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(3),
                        true,
                        Optional.of(ca),
                        Optional.of("internal.local"),
                        Optional.of("grafana.internal:3000"),
                        7,
                        Duration.ofSeconds(20),
                        true),
                rule.originRequest());
    }

    @Test
    void aMissingOrInvalidCaPoolIsALineNumberedError() throws IOException {
        String missing = """
                ingress:
                  - hostname: a.example.com
                    service: https://grafana.internal
                    origin-request:
                      ca-pool: nowhere.pem
                  - service: http_status:404
                """;
        assertError(
                ":5: ingress[0].origin-request.ca-pool: file not found: " + dir.resolve("nowhere.pem")
                        + " (check the path; relative paths start at the configuration file's directory)",
                missing);
        Files.writeString(dir.resolve("nowhere.pem"), "not a certificate\n");
        String message =
                assertThrows(ConfigException.class, () -> rules(missing)).getMessage();
        assertTrue(
                message.startsWith(dir.resolve("connector.yml") + ":5: ingress[0].origin-request.ca-pool: "), message);
        assertTrue(message.endsWith("use PEM certificates)"), message);
    }

    @Test
    void http2OriginNeedsAnHttpsOrigin() {
        for (String service : List.of("http://grafana.internal:3000", "unix:/run/app.sock", "unix+tls:/run/app.sock")) {
            assertError(
                    ":6: ingress[0].origin-request.http2-origin: needs an https origin, and " + service
                            + " is not one (HTTP/2 is agreed in the TLS handshake; use https:// or remove the key)",
                    """
                    ingress:
                      - hostname: a.example.com
                        service: SERVICE
                        origin-request:
                          keep-alive-connections: 2
                          http2-origin: true
                      - service: http_status:404
                    """.replace("SERVICE", service));
        }
        assertError(
                ":5: ingress[0].origin-request.http2-origin: \"maybe\" is not a boolean (expected: true or false)",
                """
                ingress:
                  - hostname: a.example.com
                    service: https://grafana.internal
                    origin-request:
                      http2-origin: maybe
                  - service: http_status:404
                """);
    }

    @Test
    void originRequestMistakesAreLineNumberedErrors() {
        assertError(
                ":5: ingress[0].origin-request.no-tls-verify: \"yes\" is not a boolean (expected: true or false)", """
                ingress:
                  - hostname: a.example.com
                    service: https://grafana.internal
                    origin-request:
                      no-tls-verify: yes
                  - service: http_status:404
                """);
        assertError(
                ":5: ingress[0].origin-request.keepAliveTimeout: unknown key (expected one of: ca-pool, "
                        + "connect-timeout, http-host-header, http2-origin, keep-alive-connections, "
                        + "keep-alive-timeout, no-tls-verify, origin-server-name, tls-timeout)",
                """
                ingress:
                  - hostname: a.example.com
                    service: https://grafana.internal
                    origin-request:
                      keepAliveTimeout: 1s
                  - service: http_status:404
                """);
        assertError(
                ":5: ingress[0].origin-request: applies to http, https, unix and unix+tls services only, not "
                        + "tcp://db:5432 (a TCP rule's dial timeout is connect-timeout)",
                """
                ingress:
                  - hostname: a.example.com
                    service: tcp://db:5432
                    origin-request:
                      connect-timeout: 1s
                  - service: http_status:404
                """);
        assertError(
                ":4: ingress[0].connect-timeout: a web origin's connect timeout is "
                        + "origin-request.connect-timeout (move it there)",
                """
                ingress:
                  - hostname: a.example.com
                    service: http://web
                    connect-timeout: 1s
                  - service: http_status:404
                """);
    }

    @Test
    void malformedWebServicesAreRefused() {
        assertEquals(
                "\"http://web:80/app\" has a path, query or fragment (expected: http://host[:port]; the "
                        + "request's own path is passed on unchanged)",
                assertThrows(IllegalArgumentException.class, () -> Service.parse("http://web:80/app"))
                        .getMessage());
        assertEquals(
                "\"unix:run/app.sock\" does not name an absolute socket path (expected: unix:/path/to/socket)",
                assertThrows(IllegalArgumentException.class, () -> Service.parse("unix:run/app.sock"))
                        .getMessage());
    }
}
