package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.config.EdgeLimits;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The client listener's limits under abuse, on loopback against a connector: open connections per
 * address, open streams per identity, each refused with its status, a Retry-After and a sentence
 * while what is already open goes on.
 */
class ClientAbuseLimitsTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** Returns the default limits with the component {@code name} set to {@code value}. */
    static EdgeLimits with(String name, Object value) {
        try {
            RecordComponent[] components = EdgeLimits.class.getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = components[i].getName().equals(name)
                        ? value
                        : components[i].getAccessor().invoke(EdgeLimits.DEFAULTS);
            }
            return EdgeLimits.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aConnectionOverTheAddressLimitIsAnswered429WhileTheOthersWork() throws Exception {
        try (TunnelledEdge edge =
                        new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN, false, with("connectionsPerClient", 2));
                Socket first = connect(edge);
                Socket second = connect(edge)) {
            edge.awaitOpen(2);
            try (Socket third = connect(edge)) {
                third.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
                String head = head(third.getInputStream()).toLowerCase(Locale.ROOT);
                assertTrue(head.startsWith("http/1.1 429 "), head);
                assertTrue(head.contains("retry-after: 1\r\n"), head);
                String body = new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(ConnectionLimit.sentence(2) + "\n", body);
            }
            first.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
            assertTrue(head(first.getInputStream()).startsWith("HTTP/1.1 101 "));
            // The refused connection no longer counts: a new one is let in once it is gone.
            second.close();
            edge.awaitOpen(1);
            try (Socket fourth = connect(edge)) {
                fourth.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
                assertTrue(head(fourth.getInputStream()).startsWith("HTTP/1.1 101 "));
            }
        }
    }

    @Test
    void aStreamOverTheIdentityLimitIsAnswered429AndAClosedOneFreesItsPlace() throws Exception {
        try (TunnelledEdge edge = new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN, false, with("streamsPerIdentity", 1));
                Socket first = connect(edge)) {
            first.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
            assertTrue(head(first.getInputStream()).startsWith("HTTP/1.1 101 "));
            try (Socket second = connect(edge)) {
                second.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
                String head = head(second.getInputStream()).toLowerCase(Locale.ROOT);
                assertTrue(head.startsWith("http/1.1 429 "), head);
                assertTrue(head.contains("retry-after: 1\r\n"), head);
                String body = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(body.contains("\"too_many_streams\""), body);
                assertTrue(body.contains("service-token:ci holds the most open streams"), body);
            }
            first.close();
            Thread.sleep(300);
            try (Socket third = connect(edge)) {
                third.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
                assertTrue(head(third.getInputStream()).startsWith("HTTP/1.1 101 "));
            }
        }
    }

    @Test
    void aWebRequestOverTheAddressLimitIsAnswered429WhileAnotherAddressIsServed() throws Exception {
        try (TunnelledEdge edge =
                        new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN, false, with("webRequestsPerClient", 1));
                Socket first = connect(edge)) {
            // Half a body keeps the first request in flight.
            first.getOutputStream()
                    .write(("POST /sha256 HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nContent-Length: 10\r\n\r\nhello")
                            .getBytes(StandardCharsets.US_ASCII));
            // Counted before its stream opens: once the connector sees it, it is in flight.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (edge.connector.requests.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(edge.connector.requests.isEmpty(), "the first request never reached the connector");
            try (Socket second = connect(edge)) {
                second.getOutputStream().write(get("/plain").getBytes(StandardCharsets.US_ASCII));
                String head = head(second.getInputStream()).toLowerCase(Locale.ROOT);
                assertTrue(head.startsWith("http/1.1 429 "), head);
                assertTrue(head.contains("retry-after: 1\r\n"), head);
                String body = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(body.contains("\"too_many_requests\""), body);
                assertTrue(
                        body.contains("Too many requests from your address are in flight (the edge allows 1)"), body);
            }
            try (Socket other = connect(edge, "127.0.0.2")) {
                other.getOutputStream().write(get("/plain").getBytes(StandardCharsets.US_ASCII));
                assertTrue(head(other.getInputStream()).startsWith("HTTP/1.1 200 "));
            }
            first.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
            assertEquals(
                    200,
                    WebAppThroughTunnelTest.Response.read(first.getInputStream())
                            .status());
            // The finished request no longer counts (its place is freed just after its last byte is sent).
            String third = "";
            for (int i = 0; i < 50 && !third.startsWith("HTTP/1.1 200 "); i++) {
                Thread.sleep(i == 0 ? 0 : 50);
                try (Socket s = connect(edge)) {
                    s.getOutputStream().write(get("/plain").getBytes(StandardCharsets.US_ASCII));
                    third = head(s.getInputStream());
                }
            }
            assertTrue(third.startsWith("HTTP/1.1 200 "), third);
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nAccept: application/json\r\n\r\n";
    }

    private static Socket connect(TunnelledEdge edge) throws IOException {
        return connect(edge, "127.0.0.1");
    }

    private static Socket connect(TunnelledEdge edge, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", edge.port()), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    static String upgrade(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Access-Client-Id: ci\r\nAccess-Client-Secret: s\r\n\r\n";
    }

    static String head(InputStream in) throws IOException {
        return WebAppThroughTunnelTest.Response.head(in);
    }
}
