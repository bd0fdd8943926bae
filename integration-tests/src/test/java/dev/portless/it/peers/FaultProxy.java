package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that stands between {@code access} and the edge and breaks things on
 * request: it cuts every connection (reset, as a lost network looks to the far end), or stalls
 * them (bytes wait, as on a laptop that sleeps), or adds a delay to every chunk. Started with a
 * {@link Link}, it also plays a long network path in each direction: a line rate, a propagation
 * delay and a bounded queue, which hold the sender back as the path would.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private final ServerSocket server;
    private final int upstreamPort;
    private final Link link;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<LinkDirection> linkDirections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object stallLock = new Object();
    private volatile boolean stalled;
    private volatile long delayMillis;

    private FaultProxy(int upstreamPort, Link link) throws IOException {
        this.upstreamPort = upstreamPort;
        this.link = link;
        this.server = new ServerSocket();
        if (link != null) {
            // Before bind, so accepted sockets have it from their handshake on.
            server.setReceiveBufferSize(link.socketBufferBytes());
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }

    /** Returns a started proxy to {@code 127.0.0.1:upstreamPort}. */
    public static FaultProxy start(int upstreamPort) {
        return start(upstreamPort, null);
    }

    /**
     * Returns a started proxy to {@code 127.0.0.1:upstreamPort} whose every connection crosses
     * {@code link} in each direction, or none if {@code null}. Each direction of each connection has a line
     * and queue of its own: connections do not share a bottleneck.
     */
    public static FaultProxy start(int upstreamPort, Link link) {
        try {
            FaultProxy proxy = new FaultProxy(upstreamPort, link);
            Thread acceptor = new Thread(proxy::acceptLoop, "fault-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fault proxy", e);
        }
    }

    /** Returns the port the proxy listens on at 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    /** Returns how many connections the proxy has accepted. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Resets every open connection, both sides; new connections are still accepted. */
    public void cutAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // Already closed: that is what a cut wants.
            }
        }
        sockets.clear();
    }

    /** Holds every byte in flight (both ways) until {@link #resume()}. */
    public void stall() {
        stalled = true;
    }

    /** Lets bytes flow again after {@link #stall()}. */
    public void resume() {
        synchronized (stallLock) {
            stalled = false;
            stallLock.notifyAll();
        }
    }

    /** Delays each chunk by {@code millis} in each direction (0: none). */
    public void delay(long millis) {
        delayMillis = millis;
    }

    /** Returns how many directions of linked connections still have a thread running. */
    public int runningLinkDirections() {
        return (int) linkDirections.stream().filter(LinkDirection::running).count();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    if (link != null) {
                        client.setSendBufferSize(link.socketBufferBytes());
                        upstream.setSendBufferSize(link.socketBufferBytes());
                        upstream.setReceiveBufferSize(link.socketBufferBytes());
                    }
                    upstream.connect(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort),
                            CONNECT_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    // The upstream is not there: the client sees its connection end, as through a dead path.
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                // A wire forwards what it gets: Nagle's hold on a write's short tail (waiting for the ACK
                // of the segment before it) is no part of any link this proxy stands for.
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                accepted.incrementAndGet();
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        if (link != null) {
            String name = "fault-proxy-" + port() + "-link-" + from.getPort();
            linkDirections.add(LinkDirection.start(link, from, to, this::beforeDelivery, name));
            return;
        }
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[64 << 10];
                    // Not closed at the end of one direction: the other may still be flowing (half-close).
                    try {
                        InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream();
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            beforeDelivery();
                            out.write(buf, 0, n);
                        }
                        to.shutdownOutput();
                    } catch (IOException | InterruptedException e) {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "fault-proxy-" + from.getPort());
        t.setDaemon(true);
        t.start();
    }

    private void beforeDelivery() throws InterruptedException {
        waitWhileStalled();
        long d = delayMillis;
        if (d > 0) {
            Thread.sleep(d);
        }
    }

    private void waitWhileStalled() throws InterruptedException {
        synchronized (stallLock) {
            while (stalled) {
                stallLock.wait(100);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
