package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.connector.ingress.StatusService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigTest {

    private static final String CATCH_ALL = """
            ingress:
              - service: http_status:404
            """;

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void setUp() {
        file = dir.resolve("connector.yml");
    }

    private ConnectorConfig parse(String yaml) {
        return ConnectorConfig.from(ConfigNode.parse(file.toString(), yaml));
    }

    private void assertError(String message, String yaml) {
        assertEquals(
                file + ":" + message,
                assertThrows(ConfigException.class, () -> parse(yaml)).getMessage());
    }

    @Test
    void minimalConfigGetsDefaults() {
        final ConnectorConfig config = parse("edge: edge.example.com:7844\n" + CATCH_ALL);
        assertEquals(List.of(new EdgeAddress("edge.example.com", 7844)), config.edges());
        assertEquals(2, config.connectionsPerEdge());
        assertEquals(Optional.empty(), config.credentialsFile());
        assertEquals(Optional.empty(), config.edgeCaFile());
        assertEquals(Optional.empty(), config.edgeServerName());
        assertEquals(Duration.ofSeconds(10), config.dialTimeout());
        assertEquals(Duration.ofMillis(500), config.retryInitial());
        assertEquals(Duration.ofSeconds(30), config.retryMax());
        assertEquals(Duration.ofSeconds(30), config.gracePeriod());
        assertEquals(
                new StatusService(404),
                config.ingress().match("any.example.com").service());
    }

    @Test
    void loadsEveryKeyFromAFile() throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/tunnel.json"), "{}");
        Files.writeString(dir.resolve("edge-ca.pem"), "pem");
        Files.writeString(file, """
                edges:
                  - a.example.com:7844
                  - "[2001:db8::1]:7844"
                ha-connections: 4
                credentials-file: secrets/tunnel.json
                edge-ca: edge-ca.pem
                edge-server-name: edge.example.com
                edge-dial-timeout: 3s
                retry:
                  initial: 100ms
                  max: 1m
                grace-period: 0s
                ingress:
                  - hostname: ssh.example.com
                    service: ssh://10.0.0.5
                  - service: http_status:404
                """);
        final ConnectorConfig config = ConnectorConfig.load(file);
        assertEquals(
                List.of(new EdgeAddress("a.example.com", 7844), new EdgeAddress("2001:db8::1", 7844)), config.edges());
        assertEquals(4, config.connectionsPerEdge());
        assertEquals(Optional.of(dir.resolve("secrets/tunnel.json")), config.credentialsFile());
        assertEquals(Optional.of(dir.resolve("edge-ca.pem")), config.edgeCaFile());
        assertEquals(Optional.of("edge.example.com"), config.edgeServerName());
        assertEquals(Duration.ofSeconds(3), config.dialTimeout());
        assertEquals(Duration.ofMillis(100), config.retryInitial());
        assertEquals(Duration.ofMinutes(1), config.retryMax());
        assertEquals(Duration.ZERO, config.gracePeriod());
        assertEquals(2, config.ingress().rules().size());
    }

    @Test
    void unknownTopLevelKey() {
        assertError(
                "2: ingres: unknown key (expected one of: credentials-file, edge, edge-ca, edge-dial-timeout, "
                        + "edge-dns-refresh, edge-dns-server, edge-issuer, edge-jwks-url, edge-server-name, edges, grace-period, ha-connections, ingress, resume-detach-window, retry)",
                "edge: a:1\ningres: []\n");
    }

    @Test
    void edgeDnsServerIsAnIpAddressWithAPort() {
        final ConnectorConfig config = parse(
                "edge: edges.example.com:7844\nedge-dns-server: 127.0.0.1:5353\nedge-dns-refresh: 5s\n" + CATCH_ALL);
        assertEquals(Optional.of(new InetSocketAddress("127.0.0.1", 5353)), config.edgeDnsServer());
        assertEquals(Duration.ofSeconds(5), config.edgeDnsRefresh());
        assertEquals(
                53,
                parse("edge: a:1\nedge-dns-server: 10.0.0.2\n" + CATCH_ALL)
                        .edgeDnsServer()
                        .orElseThrow()
                        .getPort());
        assertError(
                "2: edge-dns-server: dns.example.com is not an IP address (write the DNS server as IP:port, e.g."
                        + " 10.0.0.2:53)",
                "edge: a:1\nedge-dns-server: dns.example.com:53\n" + CATCH_ALL);
    }

    @Test
    void edgeIsRequired() {
        assertError(
                "1: missing required key \"edge\" (the edge's tunnel address, e.g. "
                        + "\"edge: edge.example.com:7844\", or \"edges\" with a list of them)",
                CATCH_ALL);
    }

    @Test
    void edgeAndEdgesTogetherAreRefused() {
        assertError(
                "2: edges: give either \"edge\" or \"edges\", not both (move the address into the list)",
                "edge: a:1\nedges: [b:1]\n" + CATCH_ALL);
    }

    @Test
    void edgeNeedsAPort() {
        assertError(
                "1: edge: \"edge.example.com\" has no port (expected: host:port)",
                "edge: edge.example.com\n" + CATCH_ALL);
    }

    @Test
    void badItemInEdgesNamesItsLine() {
        assertError(
                "3: edges[1]: port 99999 is out of range (expected: 1..65535)",
                "edges:\n  - a:1\n  - b:99999\n" + CATCH_ALL);
    }

    @Test
    void duplicateEdgeIsRefused() {
        assertError(
                "3: edges[1]: \"A.example.com:1\" is listed twice, first as edges[0] (remove one)",
                "edges:\n  - a.example.com:1\n  - A.example.com:1\n" + CATCH_ALL);
    }

    @Test
    void emptyEdgesIsRefused() {
        assertError(
                "1: edges: the list is empty (expected: at least one edge address such as " + "edge.example.com:7844)",
                "edges: []\n" + CATCH_ALL);
    }

    @Test
    void haConnectionsIsBounded() {
        assertError(
                "2: ha-connections: 17 is out of range (expected: 1..16)",
                "edge: a:1\nha-connections: 17\n" + CATCH_ALL);
    }

    @Test
    void credentialsFileMustExist() {
        assertError(
                "2: credentials-file: file not found: " + dir.resolve("missing.json")
                        + " (check the path; relative paths start at the configuration file's directory)",
                "edge: a:1\ncredentials-file: missing.json\n" + CATCH_ALL);
    }

    @Test
    void retryMaxMustNotBeShorterThanInitial() {
        assertError(
                "5: retry.max: retry.max 1s is shorter than retry.initial 2s (make max at least as long as "
                        + "initial)",
                """
                edge: a:1
                retry:
                  # backoff
                  initial: 2s
                  max: 1s
                """ + CATCH_ALL);
    }

    @Test
    void unknownRetryKey() {
        assertError(
                "3: retry.maximum: unknown key (expected one of: initial, max)",
                "edge: a:1\nretry:\n  maximum: 1s\n" + CATCH_ALL);
    }

    @Test
    void badDurationIsReported() {
        assertError(
                "2: grace-period: \"30\" has no unit (expected: a whole number with a unit: 500ms, 10s, 5m, 1h)",
                "edge: a:1\ngrace-period: 30\n" + CATCH_ALL);
    }

    @Test
    void badEdgeServerName() {
        assertError(
                "2: edge-server-name: \"https://edge\" is not a valid host name "
                        + "(expected: letters, digits, '-' and '.')",
                "edge: a:1\nedge-server-name: https://edge\n" + CATCH_ALL);
    }

    @Test
    void ingressErrorsComeThrough() {
        assertError(
                "3: ingress[0].service: unknown scheme \"ftp\" (expected: tcp, ssh, rdp, smb, http, https, unix, unix+tls, hello-world, bastion, http_status)",
                "edge: a:1\ningress:\n  - service: ftp://x:21\n");
    }

    @Test
    void recordRefusesBadValuesBuiltInCode() {
        final ConnectorConfig valid = parse("edge: a:1\n" + CATCH_ALL);
        assertThrows(
                IllegalArgumentException.class,
                () -> new ConnectorConfig(
                        List.of(),
                        2,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        valid.dialTimeout(),
                        valid.retryInitial(),
                        valid.retryMax(),
                        valid.gracePeriod(),
                        valid.ingress()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ConnectorConfig(
                        valid.edges(),
                        2,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        valid.dialTimeout(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        valid.gracePeriod(),
                        valid.ingress()));
    }
}
