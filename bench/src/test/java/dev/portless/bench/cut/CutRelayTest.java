package dev.portless.bench.cut;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** The relay on loopback in front of a small echo server. */
class CutRelayTest {

    /** Starts an echo server thread that serves each connection until it closes. */
    private static ServerSocket echoServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread echo = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // The relay cut it: that is what the test does.
                        }
                    });
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    private static byte[] echo(Socket s, byte[] message) throws IOException {
        s.getOutputStream().write(message);
        InputStream in = s.getInputStream();
        return in.readNBytes(message.length);
    }

    @Test
    void relaysUntilCutThenResetsBothSidesAndAcceptsAgain() throws Exception {
        try (ServerSocket echo = echoServer();
                ServerSocket free = new ServerSocket(0)) {
            int port = free.getLocalPort();
            free.close();
            try (CutRelay relay = CutRelay.start(
                    new InetSocketAddress("127.0.0.1", port),
                    new InetSocketAddress("127.0.0.1", echo.getLocalPort()))) {
                byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                try (Socket first = new Socket("127.0.0.1", port)) {
                    first.setSoTimeout(10_000);
                    assertArrayEquals(hello, echo(first, hello));
                    relay.cutAll();
                    // A reset, not an end of stream: the read fails rather than returning -1.
                    assertThrows(SocketException.class, () -> {
                        for (int i = 0; i < 100; i++) {
                            echo(first, hello);
                            Thread.sleep(20);
                        }
                    });
                }
                try (Socket second = new Socket("127.0.0.1", port)) {
                    second.setSoTimeout(10_000);
                    assertArrayEquals(hello, echo(second, hello));
                }
                assertEquals(2, relay.accepted());
            }
        }
    }
}
