package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.ResettingServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of targets resetting their connections while clients still push bytes (a database
 * restarting under load) end those streams only: the tunnel connection that carried them stays up.
 * Each reset, and each DATA frame still in flight for a reset stream, makes a RST_STREAM; HTTP/2
 * stacks cap those per connection, and hitting the cap used to close the whole tunnel.
 */
class TargetResetBurstTest {
    private static final String RESET = "reset.portless.test";
    private static final String ECHO = "echo.portless.test";
    private static final int STREAMS = 300;
    private static final int BYTES_PER_STREAM = 512 * 1024;

    @Test
    void aBurstOfTargetResetsLeavesTheTunnelUp() throws Exception {
        try (ResettingServer resetter = ResettingServer.start();
                EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(RESET, "tcp://127.0.0.1:" + resetter.port())
                        .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start()) {
            PortlessStack.AccessTcp resets = stack.accessTcp(RESET);
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<?>> pushes = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    pushes.add(pool.submit(() -> pushUntilReset(resets.port())));
                }
                for (Future<?> push : pushes) {
                    push.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            PortlessStack.AccessTcp good = stack.accessTcp(ECHO);
            try (Socket s = new Socket("127.0.0.1", good.port())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write("still here".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                assertEquals("still here", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            String edgeLog = stack.edge().stderr();
            assertFalse(edgeLog.contains("disconnected"), () -> "a tunnel connection went down:\n" + edgeLog);
        }
    }

    private static Void pushUntilReset(int port) {
        byte[] chunk = new byte[64 * 1024];
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            for (int sent = 0; sent < BYTES_PER_STREAM; sent += chunk.length) {
                out.write(chunk);
            }
            s.getInputStream().read();
        } catch (IOException resetOnTheWay) {
            // The target resets every connection: the stream's end is the point.
        }
        return null;
    }
}
