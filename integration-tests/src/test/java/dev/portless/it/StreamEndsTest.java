package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.PatternServer;
import dev.portless.it.peers.TruncatingServer;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Every way a stream ends reaches the local program as what it is: a clean end only when both
 * directions ended cleanly, a reset (never EOF) for anything else, with the one sentence that names
 * the cause on {@code access}'s stderr and in the edge's stream line.
 */
@Timeout(120)
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class StreamEndsTest {
    private static final String APP = "bulk.portless.test";
    private static final String CONNECTOR_GONE = "the connector for tunnel tests went away during the stream";
    private static final Duration WAIT = Duration.ofSeconds(15);

    /**
     * One connector killed under three bulk downloads at once: {@code access tcp} on
     * {@code portless-h2}, {@code access tcp} on WebSocket ({@code PORTLESS_MULTIPLEX=off}) and
     * {@code access ssh}. One stack for all three keeps the test short.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aConnectorKilledDuringBulkCopiesResetsEveryLocalProgram() throws Exception {
        try (PatternServer pattern = PatternServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + pattern.port())
                        .build()
                        .start();
                JavaProcess ssh = JavaProcess.start(
                        "dev.portless.access.AccessMain", List.of("ssh", "--hostname", APP), stack.accessEnv())) {
            PortlessStack.AccessTcp multiplexed = stack.accessTcp(APP);
            PortlessStack.AccessTcp webSocket = stack.accessTcp(APP, Map.of("PORTLESS_MULTIPLEX", "off"));
            try (Socket overH2 = download(multiplexed.port());
                    Socket overWebSocket = download(webSocket.port())) {
                DataOutputStream request = new DataOutputStream(ssh.stdin());
                request.writeLong(1L << 40);
                request.flush();
                long h2Read = readAtLeast(overH2.getInputStream(), 8 << 20);
                long wsRead = readAtLeast(overWebSocket.getInputStream(), 8 << 20);
                awaitStdout(ssh, 4 << 20);

                stack.connector().kill();

                for (IOException reset : List.of(
                        readUntilFailure(overH2.getInputStream(), h2Read),
                        readUntilFailure(overWebSocket.getInputStream(), wsRead))) {
                    assertTrue(
                            String.valueOf(reset.getMessage()).contains("Connection reset"),
                            "expected a reset, got " + reset);
                }
            }
            Pattern sentence = Pattern.compile(Pattern.quote(CONNECTOR_GONE));
            multiplexed.process().awaitOutput(sentence, WAIT);
            webSocket.process().awaitOutput(sentence, WAIT);
            assertNotEquals(0, ssh.waitFor(WAIT), "access ssh must not exit 0 on a stream that did not complete");
            assertTrue(ssh.stderr().contains(CONNECTOR_GONE), ssh.stderr());
            stack.edge().awaitOutput(Pattern.compile("end=\"" + Pattern.quote(CONNECTOR_GONE) + "\""), WAIT);
            assertFalse(
                    stack.edge().stderr().contains("\tat "),
                    "no stack trace: " + stack.edge().stderr());
        }
    }

    private static Socket download(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        new DataOutputStream(socket.getOutputStream()).writeLong(1L << 40);
        return socket;
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void onlyACleanTargetEndCompletesTheStream() throws Exception {
        int size = 256 * 1024;
        try (TruncatingServer clean = TruncatingServer.start(size, false);
                TruncatingServer abrupt = TruncatingServer.start(size, true);
                PortlessStack stack = PortlessStack.builder()
                        .app("clean.portless.test", "tcp://127.0.0.1:" + clean.port())
                        .app("abrupt.portless.test", "tcp://127.0.0.1:" + abrupt.port())
                        .build()
                        .start()) {
            PortlessStack.AccessTcp toClean = stack.accessTcp("clean.portless.test");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), toClean.port())) {
                socket.setSoTimeout((int) WAIT.toMillis());
                assertEquals(size, socket.getInputStream().readAllBytes().length);
            }
            stack.edge().awaitOutput(Pattern.compile("app=clean.portless.test .*end=\"completed\""), WAIT);

            PortlessStack.AccessTcp toAbrupt = stack.accessTcp("abrupt.portless.test");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), toAbrupt.port())) {
                socket.setSoTimeout((int) WAIT.toMillis());
                IOException reset = readUntilFailure(socket.getInputStream(), 0);
                assertTrue(String.valueOf(reset.getMessage()).contains("Connection reset"), reset.toString());
            }
            toAbrupt.process().awaitOutput(Pattern.compile("the target reset the connection"), WAIT);
            stack.edge()
                    .awaitOutput(
                            Pattern.compile("app=abrupt.portless.test .*end=\"the target reset the connection\""),
                            WAIT);
        }
    }

    /** Reads until at least {@code n} bytes have arrived; returns how many did. */
    private static long readAtLeast(InputStream in, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        while (total < n) {
            int r = in.read(buf);
            if (r < 0) {
                throw new AssertionError("EOF after " + total + " bytes, before the test cut anything");
            }
            total += r;
        }
        return total;
    }

    /**
     * Reads until the stream fails and returns the failure; an EOF is the bug this test exists for
     * (a truncated stream that looks complete).
     */
    static IOException readUntilFailure(InputStream in, long alreadyRead) {
        byte[] buf = new byte[64 * 1024];
        long total = alreadyRead;
        try {
            int r;
            while ((r = in.read(buf)) >= 0) {
                total += r;
            }
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("clean EOF after " + total + " bytes: a truncated stream looked complete");
    }

    private static void awaitStdout(JavaProcess process, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (process.stdoutBytes() < bytes) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("access ssh wrote " + process.stdoutBytes() + " bytes of the download"
                        + "\n--- stderr ---\n" + process.stderr());
            }
            Thread.sleep(50);
        }
    }
}
