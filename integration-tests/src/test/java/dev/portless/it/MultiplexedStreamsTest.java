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
 * Many local connections through one {@code access tcp}: by default they share a few multiplexed
 * TLS connections to the edge (one per event loop of the CLI at most); with
 * {@code PORTLESS_MULTIPLEX=off} each has its own WebSocket. Either way every stream carries its
 * own bytes intact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiplexedStreamsTest {
    private static final String APP = "echo.portless.test";
    private static final int STREAMS = 40;

    private EchoServer echo;
    private PortlessStack stack;

    @BeforeAll
    void start() {
        echo = EchoServer.start();
        stack = PortlessStack.builder().app(APP, "tcp://127.0.0.1:" + echo.port()).build().start();
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
    void manyLocalConnectionsShareAFewConnectionsToTheEdge() throws Exception {
        PortlessStack.AccessTcp tcp = stack.accessTcp(APP);
        int edgeConnections = holdStreamsAndCountEdgeConnections(tcp);
        int loops = 2 * Runtime.getRuntime().availableProcessors();
        assertTrue(edgeConnections >= 1 && edgeConnections <= loops,
                edgeConnections + " TLS connections to the edge for " + STREAMS + " streams (expected 1.." + loops + ")");
    }

    @Test
    void withMultiplexingOffEachConnectionHasItsOwnWebSocket() throws Exception {
        PortlessStack.AccessTcp tcp = stack.accessTcp(APP, Map.of("PORTLESS_MULTIPLEX", "off"));
        assertEquals(STREAMS, holdStreamsAndCountEdgeConnections(tcp));
    }

    /** Opens STREAMS connections, proves each echoes, counts connections to the edge, then ends them cleanly. */
    private int holdStreamsAndCountEdgeConnections(PortlessStack.AccessTcp tcp) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        Random random = new Random(STREAMS);
        try {
            for (int i = 0; i < STREAMS; i++) {
                Socket s = new Socket("127.0.0.1", tcp.port());
                s.setSoTimeout(30_000);
                sockets.add(s);
                byte[] payload = new byte[1000 + random.nextInt(64 * 1024)];
                random.nextBytes(payload);
                payloads.add(payload);
                s.getOutputStream().write(payload);
            }
            for (int i = 0; i < STREAMS; i++) {
                byte[] back = sockets.get(i).getInputStream().readNBytes(payloads.get(i).length);
                assertArrayEquals(payloads.get(i), back, "stream " + i + " echoed other bytes");
            }
            int count = establishedTo(stack.edgePort(), tcp.process().pid());
            for (Socket s : sockets) {
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                assertEquals(-1, in.read(), "the echo ends once the client half-closes");
            }
            return count;
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Returns the TCP connections process {@code pid} holds to the edge (the connector has one too: JWKS). */
    private static int establishedTo(int port, long pid) {
        ProcessResult ss = Commands.run(List.of("ss", "-Htnp", "state", "established", "( dport = :" + port + " )"),
                Duration.ofSeconds(10));
        assertEquals(0, ss.exitCode(), ss::toString);
        return (int) ss.stdout().lines().filter(l -> l.contains("pid=" + pid + ",")).count();
    }
}
