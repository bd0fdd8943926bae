package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.RawWebSocket.Frame;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bytes a client should never send the edge: WebSocket frames that break RFC 6455's rules or the edge's size
 * limit, and request heads too large or too slow, each checked for the edge's exact answer (a Close code, an
 * HTTP status) and, for the frames, for the stack still carrying a good stream afterwards.
 */
class ClientWireInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ECHO = "echo.portless.test";
    private static final String PAYLOAD = AccessSshRun.PAYLOAD;

    private static EchoServer echo;
    private static PortlessStack stack;

    @BeforeAll
    static void startStack() {
        echo = EchoServer.start();
        stack = PortlessStack.builder()
                .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                .build()
                .start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void oversizedFrameIsClosedWith1009AndNotBuffered() throws Exception {
        long pid = stack.edge().pid();
        try (RawWebSocket warmUp = RawWebSocket.open(stack, ECHO)) {
            warmUp.sendClose(1000);
        }
        long rssBefore = rssKiB(pid);
        for (int round = 0; round < 5; round++) {
            try (RawWebSocket ws = RawWebSocket.open(stack, ECHO)) {
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
        try (RawWebSocket ws = RawWebSocket.open(stack, ECHO)) {
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
        try (RawWebSocket ws = RawWebSocket.open(stack, ECHO)) {
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
        try (RawWebSocket ws = RawWebSocket.open(stack, ECHO)) {
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

    @Test
    void aHeaderBlockOf70KibStillArrivingIsAnswered431OverTls() throws Exception {
        try (SSLSocket s = RawWebSocket.tlsTo(stack)) {
            byte[] request = ("GET / HTTP/1.1\r\nHost: " + ECHO + "\r\nX-Big: " + "a".repeat(70 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                // In pieces, as a client sends a large head: the answer comes while it still sends.
                for (int off = 0; off < request.length; off += 8 * 1024) {
                    s.getOutputStream().write(request, off, Math.min(8 * 1024, request.length - off));
                    s.getOutputStream().flush();
                    Thread.sleep(5);
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
        try (SSLSocket s = RawWebSocket.tlsTo(stack)) {
            long start = System.nanoTime();
            byte[] head = ("GET / HTTP/1.1\r\nHost: " + ECHO + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 7; i++) {
                    s.getOutputStream().write(head[i]);
                    s.getOutputStream().flush();
                    Thread.sleep(2_000);
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

    private static void assertGoodStreamWorks() {
        AccessSshRun.assertGoodStream(stack, ECHO);
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
}
