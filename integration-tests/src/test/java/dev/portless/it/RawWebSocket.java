package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A hand-written WebSocket client over TLS: it sends exactly the bytes a test asks for, which no
 * WebSocket library would.
 */
final class RawWebSocket implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    final SSLSocket socket;
    final InputStream in;
    final OutputStream out;

    private RawWebSocket(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Returns a TLS connection to {@code stack}'s client listener, its handshake done. */
    static SSLSocket tlsTo(PortlessStack stack) throws Exception {
        SSLSocket socket = (SSLSocket) trustingStackCa(stack).getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), stack.edgePort()), 10_000);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        socket.setSoTimeout(15_000);
        socket.startHandshake();
        return socket;
    }

    /** Returns a WebSocket to {@code hostname} on {@code stack}'s edge, upgraded with the stack's service token. */
    static RawWebSocket open(PortlessStack stack, String hostname) throws Exception {
        RawWebSocket ws = new RawWebSocket(tlsTo(stack));
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

    private static SSLContext trustingStackCa(PortlessStack stack) throws Exception {
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
}
