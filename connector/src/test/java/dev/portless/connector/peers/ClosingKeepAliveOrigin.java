package dev.portless.connector.peers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An origin on a loopback port that answers the first request of every connection with keep-alive, then
 * closes the connection when a second request arrives on it, without a byte of answer: what an origin does
 * when its keep-alive timeout ends just as a proxy reuses the connection, made deterministic. Each answer
 * names its connection ({@code conn=N}, from 1); {@link #requests()} lists every request head's first line
 * with its connection.
 */
public final class ClosingKeepAliveOrigin implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private int connections;

    private ClosingKeepAliveOrigin(ServerSocket socket) {
        this.socket = socket;
    }

    /** Returns a started origin. */
    public static ClosingKeepAliveOrigin start() throws IOException {
        ClosingKeepAliveOrigin origin =
                new ClosingKeepAliveOrigin(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread accepting = new Thread(origin::accept, "closing-keep-alive-origin");
        accepting.setDaemon(true);
        accepting.start();
        return origin;
    }

    /** Returns the port it listens on. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Returns {@code "conn=N <request line>"} for every request received so far, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                int n = ++connections;
                Thread serving = new Thread(() -> serve(s, n), "closing-keep-alive-origin-" + n);
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                // The test closed the socket.
            }
        }
    }

    private void serve(Socket s, int n) {
        try (s) {
            InputStream in = s.getInputStream();
            String first = readHead(in);
            if (first == null) {
                return;
            }
            requests.add("conn=" + n + " " + requestLine(first));
            skipBody(in, first);
            byte[] body = ("conn=" + n).getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream()
                    .write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                                    + "\r\nConnection: keep-alive\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            String second = readHead(in);
            if (second != null) {
                requests.add("conn=" + n + " " + requestLine(second));
            }
            // Closing here, having read the second request and answered nothing.
        } catch (IOException e) {
            // The proxy hung up first.
        }
    }

    /** Returns the next request head, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return null;
    }

    private static String requestLine(String head) {
        return head.substring(0, head.indexOf("\r\n"));
    }

    /**
     * Reads the answered request's body to its end, so that its bytes are never taken for the next
     * request's head, however late they arrive.
     */
    private static void skipBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
            long size;
            do {
                size = Long.parseLong(readLine(in).split(";", 2)[0].trim(), 16);
                in.readNBytes(Math.toIntExact(size));
                readLine(in);
            } while (size > 0);
            return;
        }
        int at = lower.indexOf("\r\ncontent-length:");
        if (at >= 0) {
            int end = lower.indexOf("\r\n", at + 2);
            long length = Long.parseLong(
                    lower.substring(at + "\r\ncontent-length:".length(), end).trim());
            in.readNBytes(Math.toIntExact(length));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
