package dev.portless.it.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain blocking TCP server on 127.0.0.1 that serves each connection on its own daemon thread.
 * Subclasses say what a connection does; blocking sockets keep them obviously correct.
 * Subclasses are created through a static {@code start(...)} that calls {@link #listen()} once the
 * object is fully constructed, so the accepting thread never sees a half-built server.
 */
public abstract class LoopbackServer implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    /**
     * @param receiveBufferSize the kernel receive buffer for accepted sockets, or 0 for the default;
     *                          a small one makes backpressure reach the sender sooner
     */
    LoopbackServer(int receiveBufferSize) {
        try {
            serverSocket = new ServerSocket();
            if (receiveBufferSize > 0) {
                // Accepted sockets inherit it; it must be set before bind to take effect on them.
                serverSocket.setReceiveBufferSize(receiveBufferSize);
            }
            serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback server", e);
        }
    }

    /** Starts accepting connections. */
    final void listen() {
        Thread acceptor = new Thread(this::acceptLoop, getClass().getSimpleName() + "-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Serves one connection; the socket is closed afterwards. */
    abstract void serve(Socket socket) throws IOException;

    /** Returns the port the server listens on at 127.0.0.1. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Returns how many connections have been accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            connections.add(socket);
            Thread worker =
                    new Thread(() -> serveAndClose(socket), getClass().getSimpleName() + "-" + socket.getPort());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serveAndClose(Socket socket) {
        try (socket) {
            serve(socket);
        } catch (IOException peerWentAway) {
            // A reset or a close() from the test ends the connection; the test asserts on what it saw.
        } finally {
            connections.remove(socket);
        }
    }

    /** Stops accepting and closes every open connection. */
    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Closing a listening socket cannot fail in a way a test could act on.
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Same as above.
            }
        }
    }
}
