package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Web-app requests through the edge's HTTP/1.1 listener and a tunnel stream to a connector that
 * answers per the contract: headers as the connector sees them, bodies streamed both ways,
 * {@code portless-error} answers as pages.
 */
class WebAppThroughTunnelTest {
    private static final long HUNDRED_MIB = 100L * 1024 * 1024;

    private TunnelledEdge edge;
    private FakeWebConnector connector;

    @BeforeEach
    void start() throws InterruptedException {
        edge = new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN, false);
        connector = edge.connector;
    }

    @AfterEach
    void stop() {
        edge.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", edge.port());
        s.setSoTimeout(60_000);
        return s;
    }

    @Test
    void theConnectorSeesTheRequestWithTheEdgesMetadataAndWithoutWhatEndsAtTheEdge() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(("GET /page?q=1 HTTP/1.1\r\nHost: " + TestEdge.APP + ":8443\r\nAccess-Client-Id: ci\r\n"
                                    + "Access-Client-Secret: s\r\nCf-Access-Jwt-Assertion: forged\r\n"
                                    + "Portless-Identity: boss\r\nCookie: a=1; __Host-portless-app=x\r\n"
                                    + "X-Custom: yes\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(200, r.status());
            Http2Headers seen = connector.requests.poll();
            assertEquals("GET", seen.method().toString());
            assertEquals("/page?q=1", seen.path().toString());
            assertEquals(TestEdge.APP, seen.authority().toString());
            assertEquals("https", seen.scheme().toString());
            assertEquals(TunnelProtocol.KIND_HTTP, seen.get(TunnelProtocol.KIND).toString());
            assertEquals("service-token:ci", seen.get(TunnelProtocol.IDENTITY).toString());
            assertEquals("minted-token", seen.get(TunnelProtocol.APP_TOKEN).toString());
            assertEquals("127.0.0.1", seen.get(TunnelProtocol.CLIENT_ADDRESS).toString());
            assertEquals("a=1", seen.get("cookie").toString());
            assertEquals("yes", seen.get("x-custom").toString());
            assertFalse(seen.contains("cf-access-jwt-assertion"));
            assertFalse(seen.contains("access-client-secret"));
            assertEquals(1, seen.getAll(TunnelProtocol.IDENTITY).size());
        }
    }

    @Test
    void aConnectorErrorBecomesAPageWithItsStatusAndAJsonBodyForApiClients() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(("GET /refused HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nAccept: application/json\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(502, r.status());
            assertEquals(
                    "{\"error\":\"origin_refused\",\"message\":\"The origin http://127.0.0.1:1 refused the "
                            + "connection.\"}",
                    new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aHundredMibUploadStreamsToTheConnector() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /sha256 HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nContent-Length: " + HUNDRED_MIB
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < HUNDRED_MIB; sent += chunk.length) {
                chunk[0] = (byte) sent;
                chunk[chunk.length - 1] = (byte) (sent >>> 16);
                sha.update(chunk);
                out.write(chunk);
            }
            out.flush();
            Response r = Response.read(s.getInputStream());
            assertEquals(200, r.status());
            assertEquals(HexFormat.of().formatHex(sha.digest()), new String(r.body(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theEdgeAnswers100ContinueOnceTheStreamIsOpen() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(("POST /sha256 HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nExpect: 100-continue\r\n"
                                    + "Content-Length: 3\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", Response.head(s.getInputStream()));
            s.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest("abc".getBytes())),
                    new String(r.body(), StandardCharsets.US_ASCII));
            assertFalse(connector.requests.poll().contains("expect"), "the edge answered the expectation itself");
        }
    }

    @Test
    void aHundredMibDownloadStreamsToTheBrowserAndTheConnectionIsKept() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(("GET /bytes?n=" + HUNDRED_MIB + " HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = Response.head(in);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.toLowerCase().contains("content-length: " + HUNDRED_MIB), head);
            long left = HUNDRED_MIB;
            byte[] buf = new byte[256 * 1024];
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                assertTrue(n > 0, "the body ended early with " + left + " bytes left");
                left -= n;
            }
            s.getOutputStream()
                    .write(("GET /again HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, Response.read(in).status(), "keep-alive: a second request on the same connection");
        }
    }

    @Test
    void anUpgradeTheOriginTookRelaysTheOriginsFramesUnchangedBothWays() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(upgrade("/ws").getBytes(StandardCharsets.US_ASCII));
            String head = Response.head(s.getInputStream()).toLowerCase();
            assertTrue(head.startsWith("http/1.1 101 "), head);
            assertTrue(head.contains("sec-websocket-accept: accept-from-origin\r\n"), head);
            assertTrue(head.contains("sec-websocket-protocol: chat\r\n"), head);
            assertTrue(head.contains("upgrade: websocket\r\n"), head);
            Http2Headers seen = connector.requests.poll();
            assertEquals("GET", seen.method().toString());
            assertEquals("/ws", seen.path().toString());
            assertEquals(
                    TunnelProtocol.KIND_WEBSOCKET, seen.get(TunnelProtocol.KIND).toString());
            assertEquals(KEY, seen.get("sec-websocket-key").toString());
            assertEquals("chat", seen.get("sec-websocket-protocol").toString());
            assertEquals("minted-token", seen.get(TunnelProtocol.APP_TOKEN).toString());
            assertFalse(seen.contains("access-client-secret"));
            assertFalse(seen.contains("upgrade"));

            // A masked text frame "hello", then one whose payload reads like an HTTP request: both raw.
            byte[] hello = maskedFrame(0x81, "hello".getBytes(StandardCharsets.US_ASCII));
            byte[] http = maskedFrame(0x82, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(hello);
            assertArrayEquals(FakeWebConnector.SERVER_FRAME, s.getInputStream().readNBytes(4));
            s.getOutputStream().write(http);
            assertArrayEquals(FakeWebConnector.SERVER_FRAME, s.getInputStream().readNBytes(4));
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            sent.write(hello);
            sent.write(http);
            synchronized (connector.upgradeBytes) {
                assertArrayEquals(sent.toByteArray(), connector.upgradeBytes.toByteArray());
            }
        }
    }

    @Test
    void anUpgradeTheOriginRefusedReachesTheBrowserAsTheOriginsResponse() throws Exception {
        for (String path : new String[] {"/denied", "/plain"}) {
            try (Socket s = connect()) {
                s.getOutputStream().write(upgrade(path).getBytes(StandardCharsets.US_ASCII));
                Response r = Response.read(s.getInputStream());
                assertEquals(path.equals("/denied") ? 403 : 200, r.status(), r.head());
                String head = r.head().toLowerCase();
                assertTrue(head.contains("x-origin: said-no\r\n"), head);
                assertFalse(head.contains("portless-"), head);
                assertFalse(head.contains("sec-websocket-accept"), "no handshake of the edge's own: " + head);
                assertEquals(path + " takes no upgrade\n", new String(r.body(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void aTcpRulesWebSocketIsCompletedByTheEdgeAndCarriesTheStreamInBinaryMessages() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(upgrade("/echo").getBytes(StandardCharsets.US_ASCII));
            String head = Response.head(s.getInputStream()).toLowerCase();
            assertTrue(head.startsWith("http/1.1 101 "), head);
            // RFC 6455 section 1.3's example key and its accept value: the edge's own handshake.
            assertTrue(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"), head);
            assertEquals(
                    TunnelProtocol.KIND_WEBSOCKET,
                    connector.requests.poll().get(TunnelProtocol.KIND).toString());
            s.getOutputStream().write(maskedFrame(0x82, new byte[] {'a', 'b', 'c'}));
            assertArrayEquals(
                    new byte[] {(byte) 0x82, 3, 'a', 'b', 'c'},
                    s.getInputStream().readNBytes(5));
        }
    }

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static String upgrade(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + TestEdge.APP + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: chat\r\nAccess-Client-Id: ci\r\nAccess-Client-Secret: s\r\n\r\n";
    }

    /** Returns a client's frame (masked, as RFC 6455 requires) of {@code opcode} (with FIN) and {@code payload}. */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) opcode;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** An HTTP/1.1 response read from a socket, with a Content-Length or chunked body. */
    record Response(int status, String head, byte[] body) {
        static Response read(InputStream in) throws IOException {
            String head = head(in);
            int status = Integer.parseInt(head.substring(9, 12));
            String lower = head.toLowerCase();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int cl = lower.indexOf("content-length: ");
            if (cl >= 0) {
                long n = Long.parseLong(
                        lower.substring(cl + 16, lower.indexOf("\r\n", cl)).trim());
                body.write(in.readNBytes((int) n));
            } else if (lower.contains("transfer-encoding: chunked")) {
                while (true) {
                    int size = Integer.parseInt(line(in).trim(), 16);
                    if (size == 0) {
                        line(in);
                        break;
                    }
                    body.write(in.readNBytes(size));
                    line(in);
                }
            }
            return new Response(status, head, body.toByteArray());
        }

        static String head(InputStream in) throws IOException {
            StringBuilder h = new StringBuilder();
            while (!h.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection closed in the response head: " + h);
                }
                h.append((char) b);
            }
            return h.toString();
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder l = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                l.append((char) b);
            }
            return l.toString();
        }
    }
}
