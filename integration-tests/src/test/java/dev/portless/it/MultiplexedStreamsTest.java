package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.ProcessResult;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Local connections through one {@code access tcp}: by default a connection to the edge whose
 * stream has ended carries the next one (no new TCP or TLS handshake), while streams at the same
 * time each get their own connection, so a bulk transfer never queues an interactive session behind
 * its bytes; with {@code PORTLESS_MULTIPLEX=off} each stream is its own WebSocket, closed with it.
 * Every stream carries its own bytes intact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiplexedStreamsTest {
    private static final String APP = "echo.portless.test";
    private static final int STREAMS = 40;

    private EchoServer echo;
    private PortlessStack stack;
    private final Random random = new Random(STREAMS);

    @BeforeAll
    void start() {
        echo = EchoServer.start();
        stack = PortlessStack.builder()
                .app(APP, "tcp://127.0.0.1:" + echo.port())
                .build()
                .start();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void oneAfterAnotherReuseTheConnectionsToTheEdge() throws Exception {
        PortlessStack.AccessTcp tcp = stack.accessTcp(APP);
        for (int i = 0; i < STREAMS; i++) {
            roundTrip(tcp);
        }
        int loops = 2 * Runtime.getRuntime().availableProcessors();
        int open = establishedTo(stack.edgePort(), tcp.process().pid());
        assertTrue(
                open >= 1 && open <= loops,
                open + " connections to the edge after " + STREAMS + " streams in a row (expected 1.." + loops + ")");
    }

    @Test
    void atTheSameTimeEachStreamHasItsOwnConnection() throws Exception {
        PortlessStack.AccessTcp tcp = stack.accessTcp(APP);
        List<Socket> sockets = new ArrayList<>();
        try {
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                Socket s = new Socket("127.0.0.1", tcp.port());
                s.setSoTimeout(30_000);
                sockets.add(s);
                payloads.add(payload());
                s.getOutputStream().write(payloads.get(i));
            }
            for (int i = 0; i < STREAMS; i++) {
                byte[] back = sockets.get(i).getInputStream().readNBytes(payloads.get(i).length);
                assertArrayEquals(payloads.get(i), back, "stream " + i + " echoed other bytes");
            }
            assertEquals(STREAMS, establishedTo(stack.edgePort(), tcp.process().pid()));
            for (Socket s : sockets) {
                s.shutdownOutput();
                assertEquals(-1, s.getInputStream().read(), "the echo ends once the client half-closes");
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void withMultiplexingOffEachStreamIsAWebSocketClosedWithIt() throws Exception {
        PortlessStack.AccessTcp tcp = stack.accessTcp(APP, Map.of("PORTLESS_MULTIPLEX", "off"));
        for (int i = 0; i < STREAMS; i++) {
            roundTrip(tcp);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int open;
        while ((open = establishedTo(stack.edgePort(), tcp.process().pid())) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, open, "WebSockets left open after their streams ended");
    }

    /** Sends a payload, half-closes, and checks the whole echo and its end. */
    private void roundTrip(PortlessStack.AccessTcp tcp) throws Exception {
        byte[] payload = payload();
        try (Socket s = new Socket("127.0.0.1", tcp.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertArrayEquals(payload, in.readAllBytes());
        }
    }

    private byte[] payload() {
        byte[] payload = new byte[1000 + random.nextInt(64 * 1024)];
        random.nextBytes(payload);
        return payload;
    }

    private static int establishedTo(int port, long pid) {
        ProcessResult ss = Commands.run(
                List.of("ss", "-Htnp", "state", "established", "( dport = :" + port + " )"), Duration.ofSeconds(10));
        assertEquals(0, ss.exitCode(), ss::toString);
        return (int)
                ss.stdout().lines().filter(l -> l.contains("pid=" + pid + ",")).count();
    }
}
