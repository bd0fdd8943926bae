package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a user or a client can get it wrong, each checked for the exact sentence the user reads and
 * for the stack still carrying a good stream afterwards.
 *
 * <p>The connector runs with {@code -Djdk.net.hosts.file} pointing at a file that names loopback only,
 * so a target name that does not resolve fails on this machine without a DNS query leaving it.
 */
class BadInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ECHO = "echo.portless.test";
    private static final String REFUSED = "refused.portless.test";
    private static final String UNRESOLVED = "unresolved.portless.test";
    private static final String SLOW = "slow.portless.test";
    private static final String NO_RULE = "norule.portless.test";
    private static final String RESET = "reset.portless.test";
    private static final String PAYLOAD = "hello through portless\n";

    private static EchoServer echo;
    private static FullBacklog fullBacklog;
    private static Resetter resetter;
    private static int closedPort;
    private static Path scratch;
    private static PortlessStack stack;
    private static JavaProcess connector;

    @BeforeAll
    static void startStack() throws IOException {
        echo = EchoServer.start();
        fullBacklog = FullBacklog.start();
        resetter = Resetter.start();
        closedPort = FreePorts.next();
        scratch = Files.createTempDirectory("portless-bad-input");
        Files.writeString(scratch.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
        Files.writeString(scratch.resolve("payload"), PAYLOAD);
        stack = PortlessStack.builder()
                .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                .app(REFUSED, "tcp://127.0.0.1:" + closedPort)
                .app(UNRESOLVED, "tcp://no-such-host.invalid:22")
                .appWithoutIngress(SLOW)
                .ingressYaml("  - hostname: " + SLOW + "\n    service: tcp://127.0.0.1:" + fullBacklog.port()
                        + "\n    connect-timeout: 500ms")
                .appWithoutIngress(NO_RULE)
                .app(RESET, "tcp://127.0.0.1:" + resetter.port())
                .build();
        stack.startEdge();
        connector = startConnector();
    }

    @AfterAll
    static void stopStack() throws IOException {
        if (connector != null) {
            connector.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (fullBacklog != null) {
            fullBacklog.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (resetter != null) {
            resetter.close();
        }
        try (var files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void wrongServiceSecret() {
        Map<String, String> env = new HashMap<>(stack.accessEnv());
        env.remove("PORTLESS_SERVICE_TOKEN_SECRET_FILE");
        env.put("PORTLESS_SERVICE_TOKEN_SECRET", "not-the-secret");

        assertRefused(
                ECHO,
                env,
                "The service token " + stack.clientId() + " was refused: unknown client id or wrong secret.");
        assertGoodStreamWorks();
    }

    @Test
    void unknownHostname() {
        assertRefused(
                "nope.portless.test",
                stack.accessEnv(),
                "Portless has no app at nope.portless.test; check --hostname.");
        assertGoodStreamWorks();
    }

    @Test
    void noIngressRuleForTheApp() {
        assertRefused(
                NO_RULE,
                stack.accessEnv(),
                "No ingress rule of the connector matches " + NO_RULE + "; add one to its connector.yml.");
        assertGoodStreamWorks();
    }

    @Test
    void noConnectorOnline() {
        int disconnectsBefore = count(edgeOutput(), "tunnel tests has 0 connection(s)");
        connector.close();
        connector = null;
        try {
            awaitCount(() -> count(edgeOutput(), "tunnel tests has 0 connection(s)"), disconnectsBefore + 1);

            assertRefused(
                    ECHO,
                    stack.accessEnv(),
                    "No connector is online for " + ECHO + " (tunnel tests); start "
                            + "`connector run` for that tunnel or check its logs.");
        } finally {
            connector = startConnector();
        }
        assertGoodStreamWorks();
    }

    @Test
    void targetRefuses() {
        assertRefused(
                REFUSED,
                stack.accessEnv(),
                "The target tcp://127.0.0.1:" + closedPort
                        + " refused the connection; check that its service is running.");
        assertGoodStreamWorks();
    }

    @Test
    void targetNameDoesNotResolve() {
        assertRefused(
                UNRESOLVED,
                stack.accessEnv(),
                "The target host no-such-host.invalid does not resolve on the "
                        + "connector's machine; check the ingress rule for " + UNRESOLVED + ".");
        assertGoodStreamWorks();
    }

    @Test
    void targetDoesNotAnswerWithinTheConnectTimeout() {
        long start = System.nanoTime();
        assertRefused(
                SLOW,
                stack.accessEnv(),
                "The target tcp://127.0.0.1:" + fullBacklog.port()
                        + " did not answer within 500 ms; check that it is reachable from the connector.");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 20_000, "the 500 ms rule timeout applies, not a default one: took " + millis + " ms");
        assertGoodStreamWorks();
    }

    @Test
    void edgeCertificateNotTrusted(@TempDir Path otherCa) {
        DemoCertificates.write(otherCa, List.of("localhost"), List.of("127.0.0.1"));
        Map<String, String> env = new HashMap<>(stack.accessEnv());
        env.put("PORTLESS_EDGE_CA", otherCa.resolve("ca.pem").toString());

        assertRefused(
                ECHO,
                env,
                "The edge's TLS certificate at " + stack.edgeUrl() + " is not trusted; pass "
                        + "--edge-ca (or PORTLESS_EDGE_CA) with the CA that signed it.");
        assertGoodStreamWorks();
    }

    @Test
    void targetResetMidStreamEndsWithAReason() throws IOException {
        // stdin stays open, as under ssh: the stream is cut by the target, not ended by the client.
        try (JavaProcess access = JavaProcess.start(
                "dev.portless.access.AccessMain", List.of("ssh", "--hostname", RESET), stack.accessEnv())) {
            access.stdin().write(PAYLOAD.getBytes(StandardCharsets.US_ASCII));
            access.stdin().flush();

            int exit = access.waitFor(TIMEOUT);

            // The connector's reason crosses edge and CLI: the target's own failure, a reset.
            String stderr = access.stderr();
            assertEquals("access: the stream to " + RESET + " ended: the target reset the connection\n", stderr);
            assertEquals(1, exit);
            assertEquals("", access.stdout());
        }
        assertGoodStreamWorks();
    }

    @Test
    void oversizedFrameIsClosedWith1009AndNotBuffered() throws Exception {
        long pid = stack.edge().pid();
        try (RawWebSocket warmUp = RawWebSocket.open(ECHO)) {
            warmUp.sendClose(1000);
        }
        long rssBefore = rssKiB(pid);
        for (int round = 0; round < 5; round++) {
            try (RawWebSocket ws = RawWebSocket.open(ECHO)) {
                Thread writer = ws.writeInBackground(oversizedFrame(10 * 1024 * 1024));
                Frame close = ws.readFrame();
                assertEquals(Frame.CLOSE, close.opcode(), "expected a Close frame, got " + close);
                assertEquals(1009, close.closeCode(), close::toString);
                ws.assertClosedByPeer();
                writer.join(TIMEOUT.toMillis());
            }
        }
        long grownKiB = rssKiB(pid) - rssBefore;
        // 5 frames claimed 50 MiB; an edge that buffered them would grow by about that much.
        assertTrue(grownKiB < 32 * 1024, "edge RSS grew by " + grownKiB + " KiB");
        assertGoodStreamWorks();
    }

    @Test
    void unmaskedClientFrameIsClosedWith1002() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(ECHO)) {
            byte[] payload = "unmasked".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x80 | Frame.BINARY);
            frame.write(payload.length); // mask bit clear
            frame.write(payload);
            ws.out.write(frame.toByteArray());
            ws.out.flush();

            Frame close = ws.readFrame();
            assertEquals(Frame.CLOSE, close.opcode(), "expected a Close frame, got " + close);
            assertEquals(1002, close.closeCode(), close::toString);
            ws.assertClosedByPeer();
        }
        assertGoodStreamWorks();
    }

    @Test
    void textFrameIsClosedWith1003() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(ECHO)) {
            ws.send(Frame.TEXT, "hello".getBytes(StandardCharsets.US_ASCII));

            Frame close = ws.readFrame();
            assertEquals(Frame.CLOSE, close.opcode(), "expected a Close frame, got " + close);
            assertEquals(1003, close.closeCode(), close::toString);
            ws.assertClosedByPeer();
        }
        assertGoodStreamWorks();
    }

    @Test
    void rawClientStreamWithPingAndUnsolicitedPongStillEchoes() throws Exception {
        try (RawWebSocket ws = RawWebSocket.open(ECHO)) {
            ws.send(Frame.PING, "p".getBytes(StandardCharsets.US_ASCII));
            Frame pong = ws.readFrame();
            assertEquals(Frame.PONG, pong.opcode(), pong::toString);
            assertEquals("p", new String(pong.payload(), StandardCharsets.US_ASCII));

            // RFC 6455 5.5.3: a Pong may be sent unsolicited, as a heartbeat; no answer is expected.
            // Both frames in one write, so the edge's answer to the Pong is read, not a broken pipe.
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes(RawWebSocket.masked(Frame.PONG, new byte[0]));
            frames.writeBytes(RawWebSocket.masked(Frame.BINARY, PAYLOAD.getBytes(StandardCharsets.US_ASCII)));
            ws.out.write(frames.toByteArray());
            ws.out.flush();

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            while (received.size() < PAYLOAD.length()) {
                Frame f = ws.readFrame();
                assertEquals(Frame.BINARY, f.opcode(), "expected the echo, got " + f);
                assertTrue(f.payload().length <= 16 * 1024, "the edge sends at most 16 KiB per message");
                received.write(f.payload());
            }
            assertEquals(PAYLOAD, received.toString(StandardCharsets.US_ASCII));

            ws.sendClose(1000);
            Frame close = ws.readFrame();
            assertEquals(Frame.CLOSE, close.opcode(), close::toString);
            assertEquals(1000, close.closeCode(), close::toString);
            ws.assertClosedByPeer();
        }
    }

    // ---- helpers ----

    @Test
    void aHeaderBlockOf70KibStillArrivingIsAnswered431OverTls() throws Exception {
        try (SSLSocket s = RawWebSocket.tlsTo()) {
            byte[] request = ("GET / HTTP/1.1\r\nHost: " + ECHO + "\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                // In pieces, as a client sends a large head: the answer comes while it still sends.
                for (int off = 0; off < request.length; off += 8 * 1024) {
                    s.getOutputStream().write(request, off, Math.min(8 * 1024, request.length - off));
                    s.getOutputStream().flush();
                    sleep(5);
                }
            } catch (IOException closedWhileSending) {
                // The edge may close once it has answered; the answer must still be readable.
            }
            String head = new String(s.getInputStream().readNBytes(40), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 431 "), head);
        }
    }

    @Test
    void aRequestHeadSentOneByteEveryTwoSecondsIsAnswered408AtTheDeadline() throws Exception {
        try (SSLSocket s = RawWebSocket.tlsTo()) {
            long start = System.nanoTime();
            byte[] head = ("GET / HTTP/1.1\r\nHost: " + ECHO + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 7; i++) {
                    s.getOutputStream().write(head[i]);
                    s.getOutputStream().flush();
                    sleep(2_000);
                }
            } catch (IOException closedWhileSending) {
                // Closed at the deadline, as it should be.
            }
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(seconds >= 9 && seconds <= 14, "answered after " + seconds + " s");
        }
    }

    private static void assertRefused(String hostname, Map<String, String> env, String sentence) {
        ProcessResult r = accessSsh(hostname, env, null);
        assertEquals("access: " + sentence + "\n", r.stderr(), r::toString);
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
    }

    private static void assertGoodStreamWorks() {
        ProcessResult r = accessSsh(ECHO, stack.accessEnv(), scratch.resolve("payload"));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(PAYLOAD, r.stdout(), r::toString);
        assertEquals("", r.stderr(), r::toString);
    }

    private static ProcessResult accessSsh(String hostname, Map<String, String> env, Path stdin) {
        return Commands.run(
                List.of(stack.accessLauncher().toString(), "ssh", "--hostname", hostname), TIMEOUT, env, stdin);
    }

    /** Returns a connector for the stack, started here rather than by the stack so it gets the hosts file. */
    private static JavaProcess startConnector() {
        JavaProcess p = JavaProcess.startServer(
                "dev.portless.connector.ConnectorMain",
                List.of("run", "--config", stack.connectorConfig().toString()),
                Map.of("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + scratch.resolve("hosts")));
        p.awaitOutput(Pattern.compile("registered tunnel tests"), TIMEOUT);
        return p;
    }

    private static String edgeOutput() {
        return stack.edge().stdout() + stack.edge().stderr();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitCount(IntSupplier current, int atLeast) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (current.getAsInt() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the edge did not notice the connector leave:\n" + edgeOutput());
            }
            sleep(20);
        }
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
    }

    /** Returns a masked binary frame header that claims {@code length} bytes. */
    private static byte[] oversizedFrame(long length) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80 | Frame.BINARY);
        b.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            b.write((int) (length >>> shift) & 0xff);
        }
        b.writeBytes(new byte[] {1, 2, 3, 4});
        return b.toByteArray();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One WebSocket frame as read off the wire. */
    record Frame(int opcode, byte[] payload) {
        static final int TEXT = 0x1;
        static final int BINARY = 0x2;
        static final int CLOSE = 0x8;
        static final int PING = 0x9;
        static final int PONG = 0xA;

        int closeCode() {
            return payload.length < 2 ? -1 : (payload[0] & 0xff) << 8 | payload[1] & 0xff;
        }

        @Override
        public String toString() {
            return "Frame[opcode=" + opcode + ", length=" + payload.length
                    + (opcode == CLOSE
                            ? ", code=" + closeCode() + ", reason="
                                    + new String(
                                            payload,
                                            Math.min(2, payload.length),
                                            Math.max(0, payload.length - 2),
                                            StandardCharsets.UTF_8)
                            : "")
                    + "]";
        }
    }

    /**
     * A hand-written WebSocket client over TLS: it sends exactly the bytes a test asks for, which no
     * WebSocket library would.
     */
    static final class RawWebSocket implements AutoCloseable {
        private static final SecureRandom RANDOM = new SecureRandom();
        final SSLSocket socket;
        final InputStream in;
        final OutputStream out;

        private RawWebSocket(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** Returns a TLS connection to the edge's client listener, its handshake done. */
        static SSLSocket tlsTo() throws Exception {
            SSLSocket socket = (SSLSocket) trustingStackCa().getSocketFactory().createSocket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), stack.edgePort()), 10_000);
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setSoTimeout(15_000);
            socket.startHandshake();
            return socket;
        }

        static RawWebSocket open(String hostname) throws Exception {
            RawWebSocket ws = new RawWebSocket(tlsTo());
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String secret = Files.readString(stack.secretFile()).trim();
            String request = "GET / HTTP/1.1\r\n"
                    + "Host: " + hostname + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Access-Client-Id: " + stack.clientId() + "\r\n"
                    + "Access-Client-Secret: " + secret + "\r\n"
                    + "\r\n";
            ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
            ws.out.flush();
            String head = ws.readResponseHead();
            if (!head.startsWith("HTTP/1.1 101 ")) {
                ws.close();
                throw new AssertionError("the edge did not upgrade:\n" + head);
            }
            return ws;
        }

        private static SSLContext trustingStackCa() throws Exception {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream pem = Files.newInputStream(stack.caFile())) {
                int i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                    trust.setCertificateEntry("ca" + i++, (X509Certificate) cert);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }

        /** Reads up to and including the blank line, one byte at a time so no frame byte is consumed. */
        private String readResponseHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        /** Sends one final, masked frame. */
        void send(int opcode, byte[] payload) throws IOException {
            out.write(masked(opcode, payload));
            out.flush();
        }

        /** Returns one final frame, masked as a client must. */
        static byte[] masked(int opcode, byte[] payload) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(0x80 | opcode);
            if (payload.length < 126) {
                b.write(0x80 | payload.length);
            } else {
                b.write(0x80 | 126);
                b.write(payload.length >>> 8);
                b.write(payload.length & 0xff);
            }
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            b.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                b.write(payload[i] ^ mask[i % 4]);
            }
            return b.toByteArray();
        }

        void sendClose(int code) throws IOException {
            send(Frame.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
        }

        /** Returns a started thread that writes {@code header} and then up to 10 MiB of filler until the edge hangs up. */
        Thread writeInBackground(byte[] header) {
            Thread t = new Thread(
                    () -> {
                        try {
                            out.write(header);
                            byte[] chunk = new byte[64 * 1024];
                            for (int i = 0; i < 160; i++) {
                                out.write(chunk);
                            }
                            out.flush();
                        } catch (IOException expected) {
                            // The edge closes the connection while the frame is still being sent.
                        }
                    },
                    "oversized-frame-writer");
            t.setDaemon(true);
            t.start();
            return t;
        }

        Frame readFrame() throws IOException {
            int b0 = readByte();
            int b1 = readByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (long) readByte() << 8 | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = length << 8 | readByte();
                }
            }
            if ((b1 & 0x80) != 0) {
                throw new AssertionError("the edge sent a masked frame (RFC 6455 5.1 forbids it)");
            }
            if (length > 1024 * 1024) {
                throw new AssertionError("the edge sent a frame of " + length + " bytes");
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length != length) {
                throw new EOFException("frame cut short");
            }
            return new Frame(b0 & 0x0f, payload);
        }

        /** Asserts the edge ends the connection: end of stream or a reset, within the read timeout. */
        void assertClosedByPeer() {
            try {
                int b = in.read();
                assertEquals(-1, b, "the edge sent more after its Close frame");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the edge kept the connection open after its Close frame", e);
            } catch (IOException closed) {
                // A reset after the Close frame also ends the connection.
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the edge closed the connection");
            }
            return b;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * A loopback listener whose accept queue is full: it never accepts, and a new connection's SYN is
     * dropped, so dialing it times out without any packet leaving the machine.
     */
    static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        private FullBacklog(ServerSocket server) {
            this.server = server;
        }

        static FullBacklog start() throws IOException {
            FullBacklog b = new FullBacklog(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port()), 300);
                    b.fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return b;
                }
            }
            b.close();
            throw new AssertionError("a listener with backlog 1 still accepted 16 connections; cannot make a"
                    + " target that times out on loopback");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }

    /** A loopback target that reads one byte of each connection and then resets it (RST, not FIN). */
    static final class Resetter implements AutoCloseable {
        private final ServerSocket server;

        private Resetter(ServerSocket server) {
            this.server = server;
        }

        static Resetter start() throws IOException {
            Resetter r = new Resetter(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread t = new Thread(r::acceptLoop, "resetter");
            t.setDaemon(true);
            t.start();
            return r;
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read();
                    s.setSoLinger(true, 0);
                } catch (IOException closedOrReset) {
                    // Closing the server ends the loop; a client that left early changes nothing.
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
