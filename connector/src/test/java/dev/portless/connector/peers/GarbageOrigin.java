package dev.portless.connector.peers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An "origin" on a loopback port that answers every connection with an SSH banner instead of HTTP, the
 * way a rule pointing at the wrong port behaves.
 */
public final class GarbageOrigin implements AutoCloseable {
    private final ServerSocket socket;

    private GarbageOrigin(ServerSocket socket) {
        this.socket = socket;
    }

    /** Returns a started garbage origin. */
    public static GarbageOrigin start() throws IOException {
        GarbageOrigin origin = new GarbageOrigin(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread accepting = new Thread(origin::answer, "garbage-origin");
        accepting.setDaemon(true);
        accepting.start();
        return origin;
    }

    /** Returns the port it listens on. */
    public int port() {
        return socket.getLocalPort();
    }

    private void answer() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                s.getInputStream().read(new byte[4096]);
                s.getOutputStream()
                        .write("SSH-2.0-OpenSSH_9.2\r\nthis is no web server\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // The test closed the socket, or the client hung up first.
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
