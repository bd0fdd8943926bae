package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A hand-driven {@code portless-resume.v1} client over one WebSocket to the edge, for tests that present resumes
 * {@code access} would never send (a wrong secret, someone else's stream, counts beyond what was sent, an old
 * resume replayed): it upgrades with the headers it is given, then writes DATA and ACK frames and reads the frames
 * the connector sends.
 */
public final class ResumeWire implements AutoCloseable {
    private static final byte DATA = 1;
    private static final byte ACK = 2;
    private static final byte HELLO = 5;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();
    // Resume frames arrive split across WebSocket messages at any point; this holds what is not yet read.
    private ByteBuffer pending = ByteBuffer.allocate(0);

    private ResumeWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Returns the edge's answer to a WebSocket upgrade for {@code app} with {@code headers} (the credentials and
     * the resume headers) on {@code 127.0.0.1:port}: the open wire on a 101, else the status and body.
     */
    public static Answer upgrade(SSLContext tls, int port, String app, Map<String, String> headers) throws IOException {
        Socket s = tls.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: " + requireNonNull(app, "app")
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: portless-resume.v1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        s.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        ResumeWire wire = new ResumeWire(s);
        String status = wire.readHeadLines();
        int code = Integer.parseInt(status.substring(9, 12));
        if (code == 101) {
            return new Answer(code, "", wire);
        }
        String body = new String(wire.in.readAllBytes(), StandardCharsets.UTF_8);
        s.close();
        return new Answer(code, body, null);
    }

    private String readHeadLines() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            head.write(in.readUnsignedByte());
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }

    /** Reads the connector's HELLO: returns the stream id and its secret. */
    public String[] readHello() throws IOException {
        fill(1);
        byte type = pending.get();
        if (type != HELLO) {
            throw new IOException("expected HELLO, got frame type " + type);
        }
        return new String[] {readText(), readText()};
    }

    /** Reads frames until a DATA frame; returns its bytes (ACK frames on the way are skipped). */
    public byte[] readData() throws IOException {
        while (true) {
            fill(1);
            byte type = pending.get();
            if (type == ACK) {
                fill(8);
                pending.getLong();
            } else if (type == DATA) {
                fill(4);
                byte[] bytes = new byte[pending.getInt()];
                fill(bytes.length);
                pending.get(bytes);
                return bytes;
            } else {
                throw new IOException("expected DATA or ACK, got frame type " + type);
            }
        }
    }

    /** Sends {@code bytes} in one DATA frame. */
    public void sendData(byte[] bytes) throws IOException {
        sendMessage(ByteBuffer.allocate(5 + bytes.length)
                .put(DATA)
                .putInt(bytes.length)
                .put(bytes)
                .array());
    }

    /** Acknowledges {@code count} bytes received. */
    public void sendAck(long count) throws IOException {
        sendMessage(ByteBuffer.allocate(9).put(ACK).putLong(count).array());
    }

    private String readText() throws IOException {
        fill(2);
        byte[] bytes = new byte[pending.getShort() & 0xffff];
        fill(bytes.length);
        pending.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads WebSocket messages until {@code n} bytes of resume frames are pending. */
    private void fill(int n) throws IOException {
        while (pending.remaining() < n) {
            int b0 = in.readUnsignedByte();
            int len = in.readUnsignedByte() & 0x7f;
            long length = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            if ((b0 & 0x0f) == 0x8) {
                throw new IOException("the edge closed the WebSocket");
            }
            if ((b0 & 0x0f) != 0x2 && (b0 & 0x0f) != 0x0) {
                continue;
            }
            pending = ByteBuffer.allocate(pending.remaining() + payload.length)
                    .put(pending)
                    .put(payload)
                    .flip();
        }
    }

    private void sendMessage(byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x82);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Breaks the connection as a lost network does: a reset, no Close. */
    public void cut() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /**
     * The edge's answer to an upgrade.
     *
     * @param status the HTTP status (101 when the stream opened)
     * @param body   the refusal's body, empty on a 101
     * @param wire   the open wire on a 101, else null
     */
    public record Answer(int status, String body, ResumeWire wire) {}
}
