package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that stands between {@code access} and the edge and breaks things on
 * request: it cuts every connection (reset, as a lost network looks to the far end), or stalls
 * them (bytes wait, as on a laptop that sleeps), or adds a delay to every chunk, or (as a delay
 * line) holds every chunk for a fixed latency without slowing the bytes that follow it, as a long
 * network path does.
 */
public final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object stallLock = new Object();
    private volatile boolean stalled;
    private volatile long delayMillis;
    private volatile long latencyMillis;

    private FaultProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }

    /** Returns a started proxy to {@code 127.0.0.1:upstreamPort}. */
    public static FaultProxy start(int upstreamPort) {
        try {
            FaultProxy proxy = new FaultProxy(upstreamPort);
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

    /**
     * Holds each chunk {@code millis} in each direction before passing it on, for connections
     * accepted from now on, without limiting how many bytes are on the way: a round trip through
     * the proxy takes {@code 2 * millis} longer, and the throughput stays what the ends make of it.
     */
    public void latency(long millis) {
        latencyMillis = millis;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
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
        long latency = latencyMillis;
        if (latency > 0) {
            delayLine(from, to, latency);
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
                            waitWhileStalled();
                            long d = delayMillis;
                            if (d > 0) {
                                Thread.sleep(d);
                            }
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

    private void delayLine(Socket from, Socket to, long latency) {
        // Bounded, so a far end that stops reading still stops the near end (64 KiB chunks: 64 MiB).
        BlockingQueue<Chunk> line = new ArrayBlockingQueue<>(1024);
        Thread reader = new Thread(
                () -> {
                    byte[] buf = new byte[64 << 10];
                    try {
                        InputStream in = from.getInputStream();
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            line.put(new Chunk(System.nanoTime() + latency * 1_000_000, Arrays.copyOf(buf, n)));
                        }
                        line.put(new Chunk(System.nanoTime() + latency * 1_000_000, null));
                    } catch (IOException | InterruptedException e) {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "fault-proxy-in-" + from.getPort());
        Thread writer = new Thread(
                () -> {
                    try {
                        OutputStream out = to.getOutputStream();
                        while (true) {
                            Chunk c = line.take();
                            long wait = c.dueNanos() - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            if (c.bytes() == null) {
                                to.shutdownOutput();
                                return;
                            }
                            out.write(c.bytes());
                        }
                    } catch (IOException | InterruptedException e) {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "fault-proxy-out-" + from.getPort());
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    /** Bytes on the delay line and when they are due at the far end; {@code null} bytes: the end. */
    private record Chunk(long dueNanos, byte[] bytes) {}

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
