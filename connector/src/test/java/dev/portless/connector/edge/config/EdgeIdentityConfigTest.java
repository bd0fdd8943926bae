package dev.portless.connector.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.config.ConfigException;
import dev.portless.common.net.IpRange;
import dev.portless.connector.edge.policy.RulePolicy;
import dev.portless.connector.edge.policy.Selector;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeIdentityConfigTest {
    private static final String BASE = """
            tls:
              certificate: edge.crt
              key: edge.key
            tunnels:
              - name: office
                id: 6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10
                secret-sha256: %s
            service-tokens:
              - name: ci
                client-id: 3a8f0c2e.access
                secret-sha256: %s
            """.formatted("a".repeat(64), "b".repeat(64));

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("edge.yml");
        Files.writeString(dir.resolve("edge.crt"), "-----BEGIN CERTIFICATE-----\n");
        Files.writeString(dir.resolve("edge.key"), "-----BEGIN PRIVATE KEY-----\n");
        Files.writeString(dir.resolve("kc-secret"), "s3cret\n");
        Files.setPosixFilePermissions(dir.resolve("kc-secret"), PosixFilePermissions.fromString("rw-------"));
    }

    private EdgeConfig load(String yaml) throws IOException {
        Files.writeString(file, yaml);
        return EdgeConfig.load(file);
    }

    private void assertError(String message, String yaml) throws IOException {
        Files.writeString(file, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> EdgeConfig.load(file));
        assertEquals(file + ":" + message, e.getMessage());
    }

    @Test
    void oldFilesGetIdentityDefaults() throws IOException {
        EdgeConfig c = load(BASE + "listen: 127.0.0.1:8443\n");
        assertEquals(URI.create("https://127.0.0.1:8443"), c.issuer());
        assertEquals(dir.resolve("state"), c.stateDir());
        assertEquals(List.of(), c.identityProviders());
        assertEquals(Duration.ofHours(24), c.browserSessionDuration());
        assertEquals(Duration.ofDays(30), c.signingKeyRotation());
    }

    @Test
    void theDefaultIssuerOfAWildcardListenerIsLocalhost() throws IOException {
        assertEquals(URI.create("https://localhost"), load(BASE).issuer());
    }

    @Test
    void readsIdentitySettings() throws IOException {
        EdgeConfig c = load(BASE + """
                issuer: https://Edge.Example.com:8443/
                state-dir: /var/lib/portless
                browser-session-duration: 8h
                signing-key-rotation: 168h
                identity-providers:
                  - name: email
                    type: pin
                    outbox: mail
                  - name: kc
                    type: oidc
                    display-name: Company SSO
                    issuer: http://127.0.0.1:8080/realms/acme
                    client-id: portless
                    client-secret-file: kc-secret
                    scopes: [email, profile, groups]
                    groups-claim: roles
                """);
        assertEquals(URI.create("https://edge.example.com:8443"), c.issuer());
        assertEquals(Path.of("/var/lib/portless"), c.stateDir());
        assertEquals(Duration.ofHours(8), c.browserSessionDuration());
        assertEquals(Duration.ofDays(7), c.signingKeyRotation());
        assertEquals(
                List.of(
                        new PinProviderEntry(
                                "email", "E-mail code", Optional.empty(), Optional.of(dir.resolve("mail"))),
                        new OidcProviderEntry(
                                "kc",
                                "Company SSO",
                                URI.create("http://127.0.0.1:8080/realms/acme"),
                                "portless",
                                dir.resolve("kc-secret"),
                                List.of("openid", "email", "profile", "groups"),
                                "roles")),
                c.identityProviders());
    }

    @Test
    void readsSmtpSettings() throws IOException {
        Files.writeString(dir.resolve("smtp-pw"), "pw\n");
        Files.setPosixFilePermissions(dir.resolve("smtp-pw"), PosixFilePermissions.fromString("r--------"));
        EdgeConfig c = load(BASE + """
                issuer: https://edge.example.com
                identity-providers:
                  - name: email
                    type: pin
                    smtp:
                      host: smtp.example.com
                      username: portless
                      password-file: smtp-pw
                      from: Portless <access@example.com>
                """);
        assertEquals(
                new PinProviderEntry(
                        "email",
                        "E-mail code",
                        Optional.of(new SmtpSettings(
                                "smtp.example.com",
                                587,
                                SmtpSettings.Security.STARTTLS,
                                Optional.of("portless"),
                                Optional.of(dir.resolve("smtp-pw")),
                                "Portless <access@example.com>")),
                        Optional.empty()),
                c.identityProviders().get(0));
    }

    @Test
    void readsPoliciesAndSessionDurations() throws IOException {
        EdgeConfig c = load(BASE + """
                apps:
                  - hostname: ssh.example.com
                    tunnel: office
                    session-duration: 8h
                    service-tokens: [ci]
                    policy:
                      include:
                        - emails: [Alice@Example.com]
                        - email-domains: [example.org]
                        - groups: [admins]
                      require:
                        - ip-ranges: [10.0.0.0/8, "2001:db8::/32"]
                      exclude:
                        - service-tokens: [ci]
                  - hostname: open.example.com
                    tunnel: office
                    policy:
                      include:
                        - everyone: true
                """);
        AppEntry ssh = c.apps().get(0);
        assertEquals(Duration.ofHours(8), ssh.sessionDuration());
        assertEquals(
                new RulePolicy(
                        List.of(
                                new Selector.Emails(Set.of("alice@example.com")),
                                new Selector.EmailDomains(Set.of("example.org")),
                                new Selector.Groups(Set.of("admins"))),
                        List.of(new Selector.IpRanges(
                                List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("2001:db8::/32")))),
                        List.of(new Selector.ServiceTokens(Set.of("ci")))),
                ssh.policy());
        assertEquals(4, ssh.effectivePolicy().include().size());
        assertEquals(Duration.ofHours(24), c.apps().get(1).sessionDuration());
        assertEquals(List.of(new Selector.Everyone()), c.apps().get(1).policy().include());
        assertEquals(Duration.ofHours(24), c.longestAppSession());
    }

    @Test
    void namesEveryPolicyMistake() throws IOException {
        String app = BASE + """
                apps:
                  - hostname: ssh.example.com
                    tunnel: office
                    policy:
                """;
        assertError(
                "17: apps[0].policy.include[0]: expected exactly one selector per rule, got 2 (write each "
                        + "selector as its own list item: \"- emails: [...]\")",
                app + """
                      include:
                        - emails: [a@example.com]
                          groups: [x]
                """);
        assertError(
                "17: apps[0].policy.include[0].email: unknown key (expected one of: email-domains, emails, "
                        + "everyone, groups, ip-ranges, service-tokens)",
                app + """
                      include:
                        - email: [a@example.com]
                """);
        assertError(
                "17: apps[0].policy.include[0].ip-ranges[0]: \"10.0.0.1/8\" has host bits set "
                        + "(did you mean 10.0.0.0/8?)",
                app + """
                      include:
                        - ip-ranges: [10.0.0.1/8]
                """);
        assertError(
                "17: apps[0].policy.include[0].service-tokens[0]: unknown service token \"deploy\" (define it "
                        + "under \"service-tokens\" first)",
                app + """
                      include:
                        - service-tokens: [deploy]
                """);
        assertError("17: apps[0].policy.include[0].emails[0]: \"alice\" is not an e-mail address", app + """
                      include:
                        - emails: [alice]
                """);
        assertError(
                "17: apps[0].policy.include[0].everyone: expected true (remove the rule to stop letting "
                        + "everyone in)",
                app + """
                      include:
                        - everyone: false
                """);
        assertError("16: apps[0].policy.allow: unknown key (expected one of: exclude, include, require)", app + """
                      allow:
                        - everyone: true
                """);
    }

    @Test
    void namesEveryIdentityMistake() throws IOException {
        assertError(
                "13: identity-providers: sign-in needs the edge's public URL: set \"issuer\" (e.g. issuer: "
                        + "https://edge.example.com)",
                BASE + """
                identity-providers:
                  - name: email
                    type: pin
                    outbox: mail
                """);
        assertError(
                "12: issuer: \"http://edge.example.com\" uses plain http (expected https; http is only allowed "
                        + "on 127.0.0.1, [::1] or localhost, for development)",
                BASE + "issuer: http://edge.example.com\n");
        assertError(
                "12: issuer: \"https://edge.example.com/portless\" has a path (expected only scheme, host and "
                        + "port, e.g. https://edge.example.com:8443)",
                BASE + "issuer: https://edge.example.com/portless\n");
        String head = BASE + "issuer: https://edge.example.com\nidentity-providers:\n";
        assertError(
                "14: identity-providers[0]: give exactly one of \"smtp\" (a mail server) and \"outbox\" (a "
                        + "directory, for development) to deliver PINs",
                head + "  - name: email\n    type: pin\n");
        assertError(
                "15: identity-providers[0].type: unknown identity provider type \"saml\" (expected one of: "
                        + "oidc, pin)",
                head + "  - name: x\n    type: saml\n");
        Files.setPosixFilePermissions(dir.resolve("kc-secret"), PosixFilePermissions.fromString("rw-r--r--"));
        ConfigException e = assertThrows(ConfigException.class, () -> load(head + """
                  - name: kc
                    type: oidc
                    issuer: https://sso.example.com/realms/acme
                    client-id: portless
                    client-secret-file: kc-secret
                """));
        assertTrue(
                e.getMessage()
                        .endsWith("identity-providers[0].client-secret-file: other users can access the "
                                + "secret in " + dir.resolve("kc-secret") + " (permissions rw-r--r--; run \"chmod 600 "
                                + dir.resolve("kc-secret") + "\")"),
                e.getMessage());
        Files.setPosixFilePermissions(dir.resolve("kc-secret"), PosixFilePermissions.fromString("rw-------"));
        assertError(
                "18: identity-providers[0].smtp.security: \"none\" sends mail in the clear; it is only allowed "
                        + "for a relay on this machine (use starttls or tls for smtp.example.com)",
                head + """
                  - name: email
                    type: pin
                    smtp:
                      host: smtp.example.com
                      security: none
                      from: a@example.com
                """);
        assertError(
                "17: identity-providers[1].name: duplicate identity provider name \"email\", first given as "
                        + "identity-providers[0].name on line 14 (each identity provider name must be unique)",
                head + """
                  - name: email
                    type: pin
                    outbox: mail
                  - name: email
                    type: oidc
                    issuer: https://sso.example.com
                    client-id: portless
                    client-secret-file: kc-secret
                """);
    }
}
