package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.HashedEcho;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The edge is killed with SIGKILL three times during a bulk echo through {@code access tcp} and started again on
 * the same ports each time: the stream resumes through the restarted edge every time, every byte arrives once (SHA-256
 * equal both ways), and the target sees one connection. The edge keeps nothing of the stream; what it needs again
 * after a crash (its signing keys, in {@code state-dir}) is on disk, and the published keys are the same before and
 * after. CI copies 16 MiB each way; {@code -Dportless.resume.mib=1024} copies 1 GiB.
 */
@Timeout(600)
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class EdgeCrashResumeTest {
    private static final String APP = "echo.portless.test";
    private static final Pattern RESUMED = Pattern.compile("resumed the stream to " + Pattern.quote(APP));
    private static final int KILLS = 3;

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aBulkEchoResumesThroughAnEdgeKilledAndRestartedThreeTimes() throws Exception {
        long total = Long.getLong("portless.resume.mib", 16) << 20;
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        // The connector's reconnect backoff (default up to 30 s) would be most of the test's time.
                        .connectorSetting("retry", "{ initial: 100ms, max: 2s }")
                        .build()
                        .start()) {
            String keysBefore = publishedKeys(stack);
            PortlessStack.AccessTcp access = stack.accessTcp(APP);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), access.port())) {
                HashedEcho copy = HashedEcho.start(socket, total);
                for (int i = 1; i <= KILLS; i++) {
                    copy.awaitReceived(total * i / (KILLS + 1));
                    stack.edge().kill();
                    stack.edge().waitFor(Duration.ofSeconds(10));
                    stack.startEdge();
                }
                byte[][] hashes = copy.hashes(300);
                assertEquals(total, copy.received(), () -> diagnostics(stack, access));
                assertArrayEquals(hashes[0], hashes[1], "SHA-256 of what was sent and what came back");
            }
            assertEquals(1, echo.acceptedConnections(), "connections the target accepted");
            assertEquals(
                    KILLS,
                    RESUMED.matcher(access.process().stderr()).results().count(),
                    () -> diagnostics(stack, access));
            assertEquals(keysBefore, publishedKeys(stack), "the signing keys the edge publishes after its restarts");
        }
    }

    /** Returns the edge's JWKS document: the keys connectors and origins check app tokens with. */
    private static String publishedKeys(PortlessStack stack) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(SignInStack.sslContext(stack.caFile()))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(stack.edgeUrl() + "/.well-known/jwks.json"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String diagnostics(PortlessStack stack, PortlessStack.AccessTcp access) {
        return "\n--- access ---\n" + access.process().stderr() + "\n--- edge (last start) ---\n"
                + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr();
    }
}
