package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edge goes away and comes back on the same ports; the connector, left alone, registers again
 * by itself and new streams flow, through a fresh {@code access tcp} and through one that kept
 * running across the restart.
 */
@Timeout(120)
class EdgeRestartTest {

    private static final String APP = "echo.portless.test";
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final Pattern REGISTERED = Pattern.compile("registered tunnel tests with edge");

    @Test
    void connectorRegistersAgainAndNewStreamsFlowAfterTheEdgeRestarts() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start()) {
            PortlessStack.AccessTcp before = stack.accessTcp(APP);
            assertEquals("before-restart", roundTrip(before.port(), "before-restart"));
            long connectorPid = stack.connector().pid();
            int registrations = count(REGISTERED, stack.connector().stderr());

            stack.edge().close();
            stack.startEdge();

            PortlessStack.AccessTcp fresh = stack.accessTcp(APP);
            String answer = pollRoundTrip(fresh.port(), "after-restart");
            assertEquals(
                    "after-restart",
                    answer,
                    () -> "no stream through a fresh access tcp within " + RECOVERY + diagnostics(stack));
            assertTrue(
                    count(REGISTERED, stack.connector().stderr()) > registrations,
                    () -> "the connector did not log a new registration" + diagnostics(stack));
            assertEquals(connectorPid, stack.connector().pid());
            assertTrue(stack.connector().isAlive(), "the connector process exited");
            // The access tcp that ran across the restart dials per connection, so it works again too.
            assertEquals("old-access", roundTrip(before.port(), "old-access"), () -> diagnostics(stack));
        }
    }

    /** Returns the first successful echo of {@code text}, retrying until {@link #RECOVERY} has passed. */
    private static String pollRoundTrip(int port, String text) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = roundTrip(port, text);
                if (text.equals(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        return last;
    }

    /** Returns what the echo app sent back for {@code text}: empty when access closed the connection (no connector yet). */
    private static String roundTrip(int port, String text) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String diagnostics(PortlessStack stack) {
        return "\n--- edge (restarted) ---\n" + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr();
    }
}
