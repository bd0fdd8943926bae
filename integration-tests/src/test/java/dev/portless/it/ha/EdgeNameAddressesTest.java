package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.peers.Dnsmasq;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A connector given one edge name dials every address the name has at a real DNS server (dnsmasq on a
 * loopback port, named by {@code edge-dns-server}), each address an edge of its own (127.0.0.1 and
 * 127.0.0.2, both loopback), and follows the answer: a removed address is dropped, an added one dialled.
 */
// Mostly waiting for the connector to follow its DNS answer: runs in the second lane, beside the other classes
// (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class EdgeNameAddressesTest {
    private static final String NAME = "edges.portless.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void dialsEveryAddressAndFollowsTheAnswer() throws Exception {
        Path dir = TempDirs.create("portless-edge-dns");
        List<JavaProcess> processes = new ArrayList<>();
        try (Dnsmasq dns = Dnsmasq.start(dir, NAME, List.of("127.0.0.1", "127.0.0.2"))) {
            DemoCertificates.write(dir, List.of(NAME), List.of());
            TunnelCredentials tunnel = TunnelCredentials.generate("tests");
            tunnel.writeTo(dir.resolve("tunnel.json"));
            // Both edges listen for connectors on one port, each on its own loopback address.
            int tunnelPort = FreePorts.next();
            JavaProcess[] edges = new JavaProcess[2];
            for (int i = 0; i < 2; i++) {
                String ip = "127.0.0." + (i + 1);
                Path config = dir.resolve("edge-" + i + ".yml");
                Files.writeString(
                        config,
                        "listen: " + ip + ":" + FreePorts.next() + "\n"
                                + "tunnel-listen: " + ip + ":" + tunnelPort + "\n"
                                + "tls:\n  certificate: edge.pem\n  key: edge-key.pem\n"
                                + "issuer: https://" + NAME + "\n"
                                + "state-dir: state-" + i + "\n"
                                + "tunnels:\n  - name: tests\n    id: " + tunnel.tunnelId() + "\n    secret-sha256: "
                                + SecretHash.sha256Hex(tunnel.secret()) + "\n"
                                + "apps:\n  - hostname: app.portless.test\n    tunnel: tests\n");
                edges[i] = JavaProcess.startServer(
                        "dev.portless.connector.ConnectorMain",
                        List.of("edge", "--config", config.toString()),
                        Map.of());
                processes.add(edges[i]);
                edges[i].awaitOutput(Pattern.compile("Edge listening"), WAIT);
            }
            Path connectorConfig = dir.resolve("connector.yml");
            Files.writeString(
                    connectorConfig,
                    "edge: " + NAME + ":" + tunnelPort + "\n"
                            + "edge-dns-server: 127.0.0.1:" + dns.port() + "\n"
                            + "edge-dns-refresh: 1s\n"
                            + "ha-connections: 1\n"
                            + "credentials-file: tunnel.json\nedge-ca: ca.pem\n"
                            + "ingress:\n  - service: http_status:404\n");
            JavaProcess connector = JavaProcess.startServer(
                    "dev.portless.connector.ConnectorMain",
                    List.of("run", "--config", connectorConfig.toString()),
                    Map.of());
            processes.add(connector);

            // Both addresses get a tunnel connection, each checked against the name's certificate.
            awaitCount(edges[0], "Connector .* registered", 1);
            awaitCount(edges[1], "Connector .* registered", 1);
            connector.awaitOutput(Pattern.compile("\\(127\\.0\\.0\\.1\\): registered tunnel tests"), WAIT);
            connector.awaitOutput(Pattern.compile("\\(127\\.0\\.0\\.2\\): registered tunnel tests"), WAIT);

            // 127.0.0.1 leaves the answer: its connection, carrying no stream, is closed.
            dns.answer(NAME, List.of("127.0.0.2"));
            connector.awaitOutput(Pattern.compile("no longer has address 127\\.0\\.0\\.1"), WAIT);
            awaitCount(edges[0], "Connector .* disconnected; tunnel tests has 0 connection", 1);

            // It comes back: the connector dials it again.
            dns.answer(NAME, List.of("127.0.0.1", "127.0.0.2"));
            awaitCount(edges[0], "Connector .* registered", 2);
            assertEquals(0, seen(edges[1], "Connector .* disconnected"), "the address that stayed kept its connection");
        } finally {
            processes.forEach(JavaProcess::close);
            TempDirs.delete(dir);
        }
    }

    /** Waits until {@code process} has logged {@code regex} at least {@code count} times. */
    private static void awaitCount(JavaProcess process, String regex, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen(process, regex) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("logged " + seen(process, regex) + " of " + count + " time(s) within "
                        + WAIT.toSeconds() + " s: /" + regex + "/\n" + process.stderr());
            }
            Thread.sleep(100);
        }
    }

    private static long seen(JavaProcess process, String regex) {
        return Pattern.compile(regex)
                .matcher(process.stdout() + process.stderr())
                .results()
                .count();
    }
}
