package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.edge.InProcessStack;
import dev.portless.connector.run.check.CheckRow;
import dev.portless.connector.run.check.CheckStep;
import dev.portless.connector.run.check.ExitStatus;
import dev.portless.connector.run.check.StartupReport;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The start-up check against a real edge on loopback: one test per row that can fail, and the verdicts. */
class EdgeProbeTest {
    private static InProcessStack stack;
    private static ConnectorConfig good;
    private static TunnelCredentials credentials;

    @BeforeAll
    static void startEdge() {
        stack = InProcessStack.start("  - hostname: probe.example.com\n    tunnel: tests\n", "");
        good = ConnectorConfig.load(stack.dir().resolve("connector.yml"));
        credentials = TunnelCredentials.read(stack.dir().resolve("tunnel.json"));
    }

    @AfterAll
    static void stopEdge() {
        stack.close();
    }

    @Test
    void everyStepPassesAgainstARunningEdge() {
        StartupReport report = new EdgeProbe(good, credentials).check();

        assertEquals(
                List.of(CheckStep.DNS, CheckStep.TCP, CheckStep.TLS, CheckStep.CREDENTIALS),
                report.rows().stream().map(CheckRow::step).toList());
        assertTrue(report.rows().stream().allMatch(CheckRow::passed), report.table());
        assertEquals(Optional.empty(), report.refusal());
        assertTrue(report.table().contains("tunnel tests accepted"), report.table());
    }

    @Test
    void aNameThatDoesNotResolveFailsDns() {
        StartupReport report =
                check(edges("edge.portless.invalid:7844"), good.edgeCaFile(), Optional.empty(), credentials);

        assertLastRow(report, CheckStep.DNS, ExitStatus.TEMPORARY, "does not resolve", "DNS");
        assertEquals(Optional.of(ExitStatus.TEMPORARY), report.refusal());
    }

    @Test
    void aClosedPortFailsTcp() throws IOException {
        StartupReport report =
                check(edges("127.0.0.1:" + closedPort()), good.edgeCaFile(), Optional.empty(), credentials);

        assertLastRow(report, CheckStep.TCP, ExitStatus.TEMPORARY, "cannot connect", "start the edge");
        assertEquals(Optional.of(ExitStatus.TEMPORARY), report.refusal());
    }

    @Test
    void aCertificateFromAnotherCaFailsTls() throws IOException {
        Path other = Files.createTempDirectory("portless-other-ca");
        DemoCertificates.write(other, List.of("localhost"), List.of("127.0.0.1"));

        StartupReport report = check(good.edges(), Optional.of(other.resolve("ca.pem")), Optional.empty(), credentials);

        assertLastRow(report, CheckStep.TLS, ExitStatus.CONFIG, "handshake failed", "set edge-ca");
        assertEquals(Optional.of(ExitStatus.CONFIG), report.refusal());
    }

    @Test
    void aCertificateForAnotherNameFailsTls() {
        StartupReport report = check(good.edges(), good.edgeCaFile(), Optional.of("other.example.com"), credentials);

        assertLastRow(report, CheckStep.TLS, ExitStatus.CONFIG, "other.example.com", "set edge-server-name");
    }

    @Test
    void unknownCredentialsFailAndNoRetryHelps() {
        StartupReport report =
                check(good.edges(), good.edgeCaFile(), Optional.empty(), TunnelCredentials.generate("tests"));

        assertLastRow(report, CheckStep.CREDENTIALS, ExitStatus.CREDENTIALS, "refused tunnel tests", "tunnel create");
        assertEquals(Optional.of(ExitStatus.CREDENTIALS), report.refusal());
    }

    @Test
    void oneReachableEdgeIsEnoughToStart() throws IOException {
        List<EdgeAddress> edges = List.of(good.edges().get(0), EdgeAddress.parse("127.0.0.1:" + closedPort()));

        StartupReport report = check(edges, good.edgeCaFile(), Optional.empty(), credentials);

        assertEquals(6, report.rows().size(), report.table());
        assertEquals(Optional.empty(), report.refusal(), report.table());
    }

    private static void assertLastRow(
            StartupReport report, CheckStep step, ExitStatus status, String detail, String remedy) {
        CheckRow last = report.rows().get(report.rows().size() - 1);
        assertEquals(step, last.step(), report.table());
        assertEquals(status, last.failure().orElseThrow().status(), report.table());
        assertTrue(last.detail().contains(detail), report.table());
        assertTrue(report.table().contains("FAIL"), report.table());
        assertTrue(report.table().contains("remedy: "), report.table());
        assertTrue(last.failure().orElseThrow().remedy().contains(remedy), report.table());
    }

    private static StartupReport check(
            List<EdgeAddress> edges, Optional<Path> ca, Optional<String> serverName, TunnelCredentials presented) {
        ConnectorConfig config = new ConnectorConfig(
                edges,
                1,
                good.credentialsFile(),
                ca,
                serverName,
                Duration.ofSeconds(5),
                good.retryInitial(),
                good.retryMax(),
                good.gracePeriod(),
                good.ingress(),
                good.edgeIssuer(),
                good.edgeJwksUrl(),
                good.resumeDetachWindow(),
                good.edgeDnsServer(),
                good.edgeDnsRefresh());
        return new EdgeProbe(config, presented).check();
    }

    private static List<EdgeAddress> edges(String address) {
        return List.of(EdgeAddress.parse(address));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
