package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads and discards at most a given number of bytes per second, so a fast sender upstream must be
 * held back: the peer for backpressure tests. Its receive buffer is small so the hold-up shows soon.
 */
public final class SlowReaderServer extends LoopbackServer {

    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final long bytesPerSecond;
    private final AtomicLong bytesRead = new AtomicLong();

    private SlowReaderServer(long bytesPerSecond) {
        super(RECEIVE_BUFFER);
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Returns a started server that drains each connection at {@code bytesPerSecond}. */
    public static SlowReaderServer start(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
        }
        SlowReaderServer server = new SlowReaderServer(bytesPerSecond);
        server.listen();
        return server;
    }

    /** Returns how many bytes all connections have read so far. */
    public long bytesRead() {
        return bytesRead.get();
    }

    @Override
    void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        // Reads of a tenth of a second's worth keep the rate smooth rather than bursty.
        byte[] buffer = new byte[(int) Math.max(1, Math.min(bytesPerSecond / 10, 64 * 1024))];
        long start = System.nanoTime();
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            bytesRead.addAndGet(n);
            long dueNanos = total * 1_000_000_000L / bytesPerSecond;
            long aheadNanos = dueNanos - (System.nanoTime() - start);
            if (aheadNanos > 0) {
                sleepNanos(aheadNanos);
            }
        }
    }

    private static void sleepNanos(long nanos) throws IOException {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while draining", e);
        }
    }
}
