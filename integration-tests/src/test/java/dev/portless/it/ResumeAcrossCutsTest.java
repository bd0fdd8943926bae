package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FaultProxy;
import dev.portless.it.peers.HashedEcho;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A bulk echo through {@code access tcp} whose connection to the edge is cut again and again (a
 * fault proxy resets it at random points): every byte arrives once and in order (SHA-256 equal both
 * ways), the target sees one connection, and {@code access} logs each cut as resumed. CI copies
 * 64 MiB each way through HTTP/2 and 32 MiB through WebSockets; {@code -Dportless.resume.mib=1024}
 * (what {@code scripts/resume-soak} sets) copies 1 GiB.
 */
@Timeout(600)
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class ResumeAcrossCutsTest {
    private static final String APP = "echo.portless.test";
    private static final Pattern RESUMED = Pattern.compile("resumed the stream to " + Pattern.quote(APP));

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void bulkEchoSurvivesTenCutsOverHttp2() throws Exception {
        run(Long.getLong("portless.resume.mib", 64) << 20, 10, Map.of());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void bulkEchoSurvivesCutsOverWebSockets() throws Exception {
        run(Math.min(64L << 20, Long.getLong("portless.resume.mib", 32) << 20), 4, Map.of("PORTLESS_MULTIPLEX", "off"));
    }

    private static void run(long total, int cuts, Map<String, String> extraEnv) throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start();
                FaultProxy proxy = FaultProxy.start(stack.edgePort())) {
            Map<String, String> env = new java.util.HashMap<>(extraEnv);
            env.put("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port());
            env.put("PORTLESS_RESUME", "on");
            PortlessStack.AccessTcp access = stack.accessTcp(APP, env);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), access.port())) {
                HashedEcho copy = HashedEcho.start(socket, total);
                Random random = new Random();
                for (int i = 1; i <= cuts; i++) {
                    copy.awaitReceived(total * i / (cuts + 1) + random.nextLong(total / (cuts + 1) / 2));
                    proxy.cutAll();
                }
                byte[][] hashes = copy.hashes(300);
                assertEquals(total, copy.received(), () -> diagnostics(stack, access));
                assertArrayEquals(hashes[0], hashes[1], "SHA-256 of what was sent and what came back");
            }
            assertEquals(1, echo.acceptedConnections(), "connections the target accepted");
            assertEquals(cuts, count(RESUMED, access.process().stderr()), () -> diagnostics(stack, access));
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

    private static String diagnostics(PortlessStack stack, PortlessStack.AccessTcp access) {
        return "\n--- access ---\n" + access.process().stderr() + "\n--- edge ---\n"
                + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr();
    }
}
