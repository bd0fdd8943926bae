package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The ends an operator asks for, and the one the edge's own shutdown causes: an app's
 * {@code idle-timeout} and {@code max-stream-duration} (short values here), and a SIGTERM drain that
 * lets an open stream go on until {@code --drain-timeout}, then resets it with its sentence, as the
 * connector's own SIGTERM does at the end of its {@code grace-period}.
 */
@Timeout(120)
// Mostly waiting for its timeouts and drains: runs in the second lane, beside the other classes
// (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class StreamLimitsTest {
    // A drain ends a plain stream with its sentence; a resumable one (the default) it only detaches,
    // to be resumed through another edge (StreamSessionsTest, ResumeAcrossCutsTest).
    private static final Map<String, String> PLAIN = Map.of("PORTLESS_RESUME", "off");

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void appTimeoutsEndStreamsWithTheirOwnSentence() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app("idle.portless.test", "tcp://127.0.0.1:" + echo.port())
                        .appSetting("idle.portless.test", "idle-timeout", "2s")
                        .app("max.portless.test", "tcp://127.0.0.1:" + echo.port())
                        .appSetting("max.portless.test", "max-stream-duration", "3s")
                        .build()
                        .start()) {
            PortlessStack.AccessTcp idle = stack.accessTcp("idle.portless.test");
            try (Socket socket = connect(idle.port())) {
                assertEquals("hello", echo(socket, "hello"));
                long start = System.nanoTime();
                StreamEndsTest.readUntilFailure(socket.getInputStream(), 0);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis >= 1_900 && millis < 6_000, "idle stream ended after " + millis + " ms");
            }
            idle.process()
                    .awaitOutput(
                            Pattern.compile(
                                    "the stream to idle.portless.test was idle for the app's idle-timeout of 2s"),
                            WAIT);

            PortlessStack.AccessTcp max = stack.accessTcp("max.portless.test");
            try (Socket socket = connect(max.port())) {
                long start = System.nanoTime();
                // Busy all along: only the maximum duration can end it.
                IOException end = null;
                while (end == null) {
                    try {
                        assertEquals("tick", echo(socket, "tick"));
                        Thread.sleep(200);
                    } catch (IOException e) {
                        end = e;
                    }
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis >= 2_900 && millis < 8_000, "busy stream ended after " + millis + " ms: " + end);
            }
            max.process()
                    .awaitOutput(
                            Pattern.compile(
                                    "the stream to max.portless.test reached the app's max-stream-duration of 3s"),
                            WAIT);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void sigtermDrainsTheEdgeThenEndsWhatIsLeftWithItsSentence() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = drainingStack(echo).start()) {
            PortlessStack.AccessTcp access = stack.accessTcp("echo.portless.test", PLAIN);
            try (Socket open = connect(access.port())) {
                terminateOnceStreaming(stack, open);

                // The open stream goes on while the edge drains...
                assertEquals("during", echo(open, "during"));
                // ...but a new one finds no edge to open it.
                try (Socket fresh = connect(access.port())) {
                    fresh.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(-1, readOrEnd(fresh.getInputStream()), "a stream opened on a draining edge");
                }
                // At the drain timeout the open stream is reset, with the reason.
                StreamEndsTest.readUntilFailure(open.getInputStream(), 0);
            }
            access.process().awaitOutput(Pattern.compile("the edge is draining"), WAIT);
            stack.edge().awaitOutput(Pattern.compile("end=\"the edge is draining"), WAIT);
            int exit = stack.edge().waitFor(WAIT);
            // 143 is how the JVM reports an exit on SIGTERM once its shutdown hooks (the drain) have run.
            assertTrue(exit == 0 || exit == 143, "the edge exited with " + exit);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void sigtermDrainsServesEdgeBeforeItsConnector() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = drainingStack(echo).startServe()) {
            PortlessStack.AccessTcp access = stack.accessTcp("echo.portless.test", PLAIN);
            try (Socket open = connect(access.port())) {
                terminateOnceStreaming(stack, open);

                // The connector in the same process still carries the stream while the edge drains.
                assertEquals("during", echo(open, "during"));
                StreamEndsTest.readUntilFailure(open.getInputStream(), 0);
            }
            access.process().awaitOutput(Pattern.compile("the edge is draining"), WAIT);
            int exit = stack.edge().waitFor(WAIT);
            assertTrue(exit == 0 || exit == 143, "connector serve exited with " + exit);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aConnectorsGracePeriodEndsWhatIsLeftWithItsSentence() throws Exception {
        String sentence = "the connector for tunnel tests shut down during the stream";
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app("echo.portless.test", "tcp://127.0.0.1:" + echo.port())
                        .connectorSetting("grace-period", "2s")
                        .build()
                        .start()) {
            PortlessStack.AccessTcp access = stack.accessTcp("echo.portless.test");
            try (Socket open = connect(access.port())) {
                assertEquals("before", echo(open, "before"));

                stack.connector().terminate();

                StreamEndsTest.readUntilFailure(open.getInputStream(), 0);
            }
            access.process().awaitOutput(Pattern.compile(Pattern.quote(sentence)), WAIT);
            stack.edge().awaitOutput(Pattern.compile("end=\"" + Pattern.quote(sentence) + "\""), WAIT);
        }
    }

    /** An echo app behind an edge that drains for 4 s on SIGTERM (built, not started). */
    private static PortlessStack drainingStack(EchoServer echo) {
        return PortlessStack.builder()
                .app("echo.portless.test", "tcp://127.0.0.1:" + echo.port())
                .edgeFlags("--drain-timeout", "4s")
                .build();
    }

    /** Proves {@code open} carries bytes, then sends the edge SIGTERM and waits until it drains. */
    private static void terminateOnceStreaming(PortlessStack stack, Socket open) throws IOException {
        assertEquals("before", echo(open, "before"));
        stack.edge().terminate();
        stack.edge().awaitOutput(Pattern.compile("Draining: no new connections or streams"), WAIT);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static String echo(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        if (answer.length < text.length()) {
            throw new IOException("EOF after " + answer.length + " bytes of the echo");
        }
        return new String(answer, StandardCharsets.US_ASCII);
    }

    /** Returns the first byte, or -1 at EOF or a reset: the local connection ended without an answer. */
    private static int readOrEnd(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }
}
