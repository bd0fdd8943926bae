package dev.portless.bridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A loopback TCP target that reads until the client's end of stream, then answers with the SHA-256 of
 * everything it read (64 hex digits and a newline, 65 bytes) and closes: known byte counts both ways.
 */
public final class HalfCloseTarget implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;

    private HalfCloseTarget(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "half-close-target");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Returns a started target on 127.0.0.1 and a free port. */
    public static HalfCloseTarget start() {
        try {
            return new HalfCloseTarget(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the reply for {@code data}: its SHA-256 in hex and a newline. */
    public static String replyFor(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data)) + "\n";
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                final Socket socket = server.accept();
                final Thread worker = new Thread(() -> serve(socket), "half-close-target-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            final MessageDigest digest = sha256();
            final InputStream in = socket.getInputStream();
            final byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) >= 0; ) {
                digest.update(buf, 0, n);
            }
            socket.getOutputStream()
                    .write((HexFormat.of().formatHex(digest.digest()) + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // The client went away; nothing to answer.
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
