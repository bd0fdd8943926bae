package dev.portless.connector.edge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.config.ConfigException;
import dev.portless.connector.edge.streams.StreamTimeouts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeConfigTest {

    private static final String TLS = """
            tls:
              certificate: edge.crt
              key: edge.key
            """;
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "B".repeat(64);
    private static final String ID_1 = "6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10";
    private static final String ID_2 = "0b7e4c1a-9d2f-4e6b-8c3a-5f1d7e9a2b40";

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("edge.yml");
        Files.writeString(dir.resolve("edge.crt"), "-----BEGIN CERTIFICATE-----\n");
        Files.writeString(dir.resolve("edge.key"), "-----BEGIN PRIVATE KEY-----\n");
    }

    private EdgeConfig load(String yaml) throws IOException {
        Files.writeString(file, yaml);
        return EdgeConfig.load(file);
    }

    private void assertError(String message, String yaml) throws IOException {
        Files.writeString(file, yaml);
        final ConfigException e = assertThrows(ConfigException.class, () -> EdgeConfig.load(file));
        assertEquals(file + ":" + message, e.getMessage());
    }

    @Test
    void minimalConfigGetsDefaults() throws IOException {
        final EdgeConfig config = load(TLS);
        assertEquals(new InetSocketAddress("0.0.0.0", 443), config.listen());
        assertEquals(new InetSocketAddress("0.0.0.0", 7844), config.tunnelListen());
        assertEquals(dir.resolve("edge.crt"), config.tlsCertificate());
        assertEquals(dir.resolve("edge.key"), config.tlsKey());
        assertEquals(List.of(), config.tunnels());
        assertEquals(List.of(), config.serviceTokens());
        assertEquals(List.of(), config.apps());
    }

    @Test
    void readsEverySection() throws IOException {
        final EdgeConfig config = load("""
                listen: 127.0.0.1:8443
                tunnel-listen: "[::1]:17844"
                """ + TLS + """
                tunnels:
                  - name: office
                    id: %s
                    secret-sha256: %s
                service-tokens:
                  - name: ci
                    client-id: 3a8f0c2e.access
                    secret-sha256: %s
                apps:
                  - hostname: SSH.Example.com.
                    tunnel: office
                    service-tokens: [ci]
                  - hostname: db.example.com
                    tunnel: office
                """.formatted(ID_1.toUpperCase(), HASH_A, HASH_B));
        assertEquals(new InetSocketAddress("127.0.0.1", 8443), config.listen());
        assertEquals(new InetSocketAddress("::1", 17844), config.tunnelListen());
        assertEquals(List.of(new TunnelEntry("office", UUID.fromString(ID_1), HASH_A)), config.tunnels());
        assertEquals(
                List.of(new ServiceTokenEntry("ci", "3a8f0c2e.access", HASH_B.toLowerCase())), config.serviceTokens());
        assertEquals(
                List.of(
                        new AppEntry("ssh.example.com", "office", List.of("ci")),
                        new AppEntry("db.example.com", "office", List.of())),
                config.apps());
    }

    @Test
    void clientLimitsAreReadAndTheOthersKeepTheirDefaults() throws IOException {
        assertEquals(EdgeLimits.DEFAULTS, load(TLS).limits());
        final EdgeLimits limits = load(TLS + """
                limits:
                  web-requests-per-client: 50
                  web-requests-per-identity: 60
                  connections-per-client: 70
                """).limits();
        assertEquals(50, limits.webRequestsPerClient());
        assertEquals(60, limits.webRequestsPerIdentity());
        assertEquals(70, limits.connectionsPerClient());
        assertEquals(EdgeLimits.DEFAULTS.streamsPerIdentity(), limits.streamsPerIdentity());
        assertEquals(EdgeLimits.DEFAULTS.requestTimeout(), limits.requestTimeout());
    }

    @Test
    void aClientLimitOutOfRangeOrMisspeltIsCaught() throws IOException {
        assertError("5: limits.web-requests-per-client: 0 is out of range (expected: 1..1000000)", TLS + """
                limits:
                  web-requests-per-client: 0
                """);
        assertError(
                "5: limits.web-request-per-client: unknown key (expected one of: connections-per-client, "
                        + "stream-opens-per-client, streams-per-identity, web-requests-per-client, "
                        + "web-requests-per-identity)",
                TLS + """
                        limits:
                          web-request-per-client: 10
                        """);
    }

    @Test
    void typoInTlsIsCaught() throws IOException {
        assertError("3: tls.certficate: unknown key (expected one of: certificate, key)", """
                listen: 0.0.0.0:443
                tls:
                  certficate: edge.crt
                  key: edge.key
                """);
    }

    @Test
    void tlsIsRequired() throws IOException {
        assertError("1: missing required key \"tls\"", "listen: 0.0.0.0:443\n");
    }

    @Test
    void tlsFilesMustExist() throws IOException {
        assertError(
                "3: tls.key: file not found: " + dir.resolve("nope.key")
                        + " (check the path; relative paths start at the configuration file's directory)",
                "tls:\n  certificate: edge.crt\n  key: nope.key\n");
    }

    @Test
    void storeIsReadWithItsPasswordFileAndDefaults() throws IOException {
        Path password = dir.resolve("db-password");
        Files.writeString(password, "s3cret\n");
        Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        final EdgeConfig config = load(TLS + "store:\n  jdbc-url: jdbc:postgresql://db:5432/portless\n"
                + "  user: portless\n  password-file: db-password\n");
        final StoreSettings store = config.store().orElseThrow();
        assertEquals("jdbc:postgresql://db:5432/portless", store.jdbcUrl());
        assertEquals(java.util.Optional.of(password), store.passwordFile());
        assertEquals(java.time.Duration.ofSeconds(2), store.queryTimeout());
        assertEquals(4, store.poolSize());
        assertEquals(java.util.Optional.empty(), load(TLS).store());
    }

    @Test
    void storeUrlMayNotCarryCredentials() throws IOException {
        assertError(
                "5: store.jdbc-url: the URL must not carry credentials (it may be logged): set user and "
                        + "password-file or password-env instead",
                TLS + "store:\n  jdbc-url: jdbc:postgresql://db/portless?password=x\n  user: portless\n");
    }

    @Test
    void storePasswordComesFromOnePlace() throws IOException {
        Path password = dir.resolve("db-password");
        Files.writeString(password, "s3cret\n");
        Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertError(
                "8: store.password-env: set password-file or password-env, not both",
                TLS + "store:\n  jdbc-url: jdbc:postgresql://db/portless\n  user: portless\n"
                        + "  password-file: db-password\n  password-env: DB_PASSWORD\n");
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        assertError(
                "4: identity-provider: unknown key (expected one of: apps, audit, browser-session-duration, "
                        + "identity-providers, issuer, limits, listen, service-tokens, signing-key-rotation, ssh-ca, state-dir, store, tls, "
                        + "tunnel-listen, tunnels)",
                TLS + "identity-provider: []\n");
    }

    @Test
    void badListenAddress() throws IOException {
        assertError("1: listen: \"443\" has no port (expected: host:port)", "listen: 443\n" + TLS);
        assertError(
                "1: tunnel-listen: port 70000 is out of range (expected: 1..65535)",
                "tunnel-listen: 0.0.0.0:70000\n" + TLS);
    }

    @Test
    void badTunnelValues() throws IOException {
        assertError(
                "6: tunnels[0].id: \"1-2-3-4-5\" is not a tunnel id (expected: a UUID such as "
                        + "6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10, as printed by \"connector tunnel create\")",
                TLS + "tunnels:\n  - name: a\n    id: 1-2-3-4-5\n    secret-sha256: " + HASH_A + "\n");
        assertError(
                "7: tunnels[0].secret-sha256: expected 64 hex digits, the SHA-256 of the secret (store the "
                        + "digest printed when the secret was created, never the secret itself)",
                TLS + "tunnels:\n  - name: a\n    id: " + ID_1 + "\n    secret-sha256: hunter2\n");
        assertError(
                "5: tunnels[0].name: \"my tunnel\" is not a valid name (expected: up to 63 letters, digits, "
                        + "'.', '_' or '-', starting with a letter or digit)",
                TLS + "tunnels:\n  - name: my tunnel\n    id: " + ID_1 + "\n    secret-sha256: " + HASH_A + "\n");
        assertError(
                "5: tunnels[0]: missing required key \"secret-sha256\"",
                TLS + "tunnels:\n  - name: a\n    id: " + ID_1 + "\n");
    }

    @Test
    void duplicateTunnelNameNamesTheSecondLine() throws IOException {
        assertError(
                "9: tunnels[1].name: duplicate tunnel name \"office\", first given as tunnels[0].name on "
                        + "line 6 (each tunnel name must be unique)",
                TLS + """
                # tunnels
                tunnels:
                  - name: office
                    id: %s
                    secret-sha256: %s
                  - name: office
                    id: %s
                    secret-sha256: %s
                """.formatted(ID_1, HASH_A, ID_2, HASH_A));
    }

    @Test
    void duplicateTunnelIdIgnoresCase() throws IOException {
        assertError(
                "9: tunnels[1].id: duplicate tunnel id \"%s\", first given as tunnels[0].id on line 6 ".formatted(ID_1)
                        + "(each tunnel id must be unique)",
                TLS + """
                tunnels:
                  - name: a
                    id: %s
                    secret-sha256: %s
                  - name: b
                    id: %s
                    secret-sha256: %s
                """.formatted(ID_1, HASH_A, ID_1.toUpperCase(), HASH_A));
    }

    @Test
    void duplicateClientId() throws IOException {
        assertError(
                "9: service-tokens[1].client-id: duplicate client id \"x.access\", first given as "
                        + "service-tokens[0].client-id on line 6 (each client id must be unique)",
                TLS + """
                service-tokens:
                  - name: a
                    client-id: x.access
                    secret-sha256: %s
                  - name: b
                    client-id: x.access
                    secret-sha256: %s
                """.formatted(HASH_A, HASH_A));
    }

    @Test
    void duplicateAppHostnameIgnoresCase() throws IOException {
        assertError(
                "11: apps[1].hostname: duplicate app hostname \"a.example.com\", first given as "
                        + "apps[0].hostname on line 9 (each app hostname must be unique)",
                TLS + """
                tunnels:
                  - name: t
                    id: %s
                    secret-sha256: %s
                apps:
                  - hostname: a.example.com
                    tunnel: t
                  - hostname: A.EXAMPLE.COM
                    tunnel: t
                """.formatted(ID_1, HASH_A));
    }

    @Test
    void appMustNameAConfiguredTunnel() throws IOException {
        assertError(
                "6: apps[0].tunnel: unknown tunnel \"office\" (define it under \"tunnels\" first)",
                TLS + "apps:\n  - hostname: a.example.com\n    tunnel: office\n");
        assertError(
                "10: apps[0].tunnel: unknown tunnel \"ofice\" (expected one of: office)",
                TLS + """
                tunnels:
                  - name: office
                    id: %s
                    secret-sha256: %s
                apps:
                  - hostname: a.example.com
                    tunnel: ofice
                """.formatted(ID_1, HASH_A));
    }

    @Test
    void aPublicAppBypassesSignIn() throws IOException {
        String tunnels = TLS + """
                tunnels:
                  - name: office
                    id: %s
                    secret-sha256: %s
                apps:
                  - hostname: blog.example.com
                    tunnel: office
                """.formatted(ID_1, HASH_A);
        EdgeConfig config = load(tunnels + "    policy: bypass\n");
        assertTrue(config.apps().get(0).route().policy().bypass());
        assertFalse(load(tunnels).apps().get(0).route().policy().bypass());
        assertError(
                "11: apps[0].policy: expected include/require/exclude rules, or \"bypass\" for a public app",
                tunnels + "    policy: public\n");
    }

    @Test
    void appServiceTokensMustExistOnce() throws IOException {
        final String head = TLS + """
                tunnels:
                  - name: t
                    id: %s
                    secret-sha256: %s
                service-tokens:
                  - name: ci
                    client-id: ci.access
                    secret-sha256: %s
                apps:
                  - hostname: a.example.com
                    tunnel: t
                    service-tokens:
                """.formatted(ID_1, HASH_A, HASH_A);
        assertError(
                "17: apps[0].service-tokens[1]: unknown service token \"deploy\" (expected one of: ci)",
                head + "      - ci\n      - deploy\n");
        assertError(
                "17: apps[0].service-tokens[1]: service token \"ci\" is listed twice (remove one)",
                head + "      - ci\n      - ci\n");
    }

    @Test
    void appHostnameMustBeExact() throws IOException {
        assertError(
                "5: apps[0].hostname: \"*.example.com\": apps need an exact hostname (wildcards belong in "
                        + "the connector's ingress rules)",
                TLS + "apps:\n  - hostname: \"*.example.com\"\n    tunnel: t\n");
        assertError(
                "5: apps[0].hostname: \"https://a.example.com\" is not a valid host name (expected: letters, "
                        + "digits, '-' and '.')",
                TLS + "apps:\n  - hostname: https://a.example.com\n    tunnel: t\n");
    }

    @Test
    void unknownAppKey() throws IOException {
        assertError(
                "7: apps[0].policies: unknown key (expected one of: hostname, idle-timeout, max-stream-duration, "
                        + "policy, service-tokens, session-duration, ssh, tunnel)",
                TLS + "apps:\n  - hostname: a.example.com\n    tunnel: t\n    policies: x\n");
    }

    @Test
    void streamTimeoutsAreOffUnlessAnAppSetsThem() throws IOException {
        final String app = TLS + "tunnels:\n  - name: t\n    id: " + ID_1 + "\n    secret-sha256: " + HASH_A
                + "\napps:\n  - hostname: a.example.com\n    tunnel: t\n";
        assertEquals(StreamTimeouts.NONE, load(app).apps().get(0).streamTimeouts());
        assertEquals(
                new StreamTimeouts(Duration.ofHours(12), Duration.ofMinutes(30)),
                load(app + "    max-stream-duration: 12h\n    idle-timeout: 30m\n")
                        .apps()
                        .get(0)
                        .streamTimeouts());
        assertError(
                "11: apps[0].idle-timeout: 500ms is out of range (expected: 1s..720h)",
                app + "    idle-timeout: 500ms\n");
    }

    @Test
    void missingFileIsAFileLevelError() {
        final ConfigException e = assertThrows(ConfigException.class, () -> EdgeConfig.load(dir.resolve("no.yml")));
        assertEquals(dir.resolve("no.yml") + ": file not found (check the path)", e.getMessage());
    }
}
