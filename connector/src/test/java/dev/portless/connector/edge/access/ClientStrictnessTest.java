package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.policy.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the client listener answers to requests that bend HTTP or WebSocket: each gets its status
 * and sentence instead of a dropped connection, before any stream is opened. The app lets everyone
 * in and has no connector online, so a request that got through would be answered 502.
 */
class ClientStrictnessTest {
    private final EmbeddedChannel connection =
            TestEdge.http1(TestEdge.services((h, app, c) -> Decision.allow(Identity.serviceToken("ci"), "minted")));

    private static String upgrade(String version, String key) {
        return "GET / HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n")
                + (version == null ? "" : "Sec-WebSocket-Version: " + version + "\r\n")
                + "\r\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "12", "14", "13, 8", ""})
    void aWebSocketVersionOtherThan13Gets426NamingVersion13(String version) {
        String answer = TestEdge.exchange(connection, upgrade(version, "dGhlIHNhbXBsZSBub25jZQ=="));
        assertTrue(answer.startsWith("HTTP/1.1 426 Upgrade Required\r\n"), answer);
        assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nsec-websocket-version: 13\r\n"), answer);
        assertTrue(answer.contains("The edge speaks WebSocket version 13 only; update the client."), answer);
        assertFalse(connection.isOpen());
    }

    @Test
    void aWebSocketUpgradeWithoutVersionGets426() {
        String answer = TestEdge.exchange(connection, upgrade(null, "dGhlIHNhbXBsZSBub25jZQ=="));
        assertTrue(answer.startsWith("HTTP/1.1 426 Upgrade Required\r\n"), answer);
    }

    @Test
    void aWebSocketUpgradeWithoutKeyGets400() {
        String answer = TestEdge.exchange(connection, upgrade("13", null));
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.contains("A WebSocket upgrade needs exactly one Sec-WebSocket-Key header"), answer);
        assertFalse(connection.isOpen());
    }

    @Test
    void aRequestHeadSentOneByteEveryTwoSecondsIsAnswered408AtTheDeadline() {
        connection.freezeTime();
        String head = "GET / HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\n\r\n";
        StringBuilder answer = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            answer.append(TestEdge.exchange(connection, head.substring(i, i + 1)));
            assertEquals("", answer.toString(), "nothing is answered before the deadline");
            connection.advanceTimeBy(2, TimeUnit.SECONDS);
            connection.runScheduledPendingTasks();
        }
        for (ByteBuf b = connection.readOutbound(); b != null; b = connection.readOutbound()) {
            answer.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        assertTrue(answer.toString().startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer.toString());
        assertTrue(
                answer.toString().endsWith("Request timeout: no complete request head within 10 s; send it whole.\n"));
        assertFalse(connection.isOpen());
    }

    @ParameterizedTest
    @ValueSource(ints = {1005, 1006, 1015})
    void aClientCloseWithAReservedCodeIsAnsweredClose1002(int code) throws Exception {
        assertEquals(1002, closeAnswer(new byte[] {(byte) (code >> 8), (byte) code}));
    }

    @Test
    void aClientCloseWhoseReasonIsNotUtf8IsAnsweredClose1007() throws Exception {
        assertEquals(1007, closeAnswer(new byte[] {0x03, (byte) 0xe8, (byte) 0xc3, 0x28}));
    }

    /** Returns the code of the Close the edge answers a client's Close with {@code payload}. */
    private static int closeAnswer(byte[] payload) throws Exception {
        try (TunnelledEdge edge = new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN, false);
                Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(ClientAbuseLimitsTest.upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertTrue(ClientAbuseLimitsTest.head(in).startsWith("HTTP/1.1 101 "));
            s.getOutputStream().write(WebAppThroughTunnelTest.maskedFrame(0x88, payload));
            byte[] frame = in.readNBytes(4);
            assertArrayEquals(new byte[] {(byte) 0x88}, new byte[] {frame[0]}, "a Close frame");
            return ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        }
    }
}
