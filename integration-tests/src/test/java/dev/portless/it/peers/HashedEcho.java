package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bulk copy through an echo app on one socket: seeded random bytes go up, what comes back is counted, and both
 * directions are hashed (SHA-256) so a test can tell that every byte arrived once and in order.
 */
public final class HashedEcho {
    private final long total;
    private final AtomicLong received = new AtomicLong();
    private final CompletableFuture<byte[]> sent;
    private final CompletableFuture<byte[]> back;

    private HashedEcho(Socket socket, long total) {
        this.total = total;
        this.sent = CompletableFuture.supplyAsync(() -> send(socket, total));
        this.back = CompletableFuture.supplyAsync(() -> receive(socket, received));
    }

    /** Returns a copy of {@code total} bytes through {@code socket}, started at once (sender and receiver threads). */
    public static HashedEcho start(Socket socket, long total) {
        return new HashedEcho(requireNonNull(socket, "socket"), total);
    }

    /** Returns how many bytes came back so far. */
    public long received() {
        return received.get();
    }

    /** Returns whether the copy has ended, whole or not. */
    public boolean done() {
        return back.isDone();
    }

    /** Waits (while {@code done()} is false, polling) until at least {@code bytes} came back. */
    public void awaitReceived(long bytes) throws InterruptedException {
        while (received.get() < bytes && !back.isDone()) {
            Thread.sleep(2);
        }
    }

    /** Returns the total this copy sends. */
    public long total() {
        return total;
    }

    /** Waits for both directions; returns the SHA-256 of what was sent and of what came back. */
    public byte[][] hashes(long timeoutSeconds) throws Exception {
        return new byte[][] {sent.get(timeoutSeconds, TimeUnit.SECONDS), back.get(timeoutSeconds, TimeUnit.SECONDS)};
    }

    private static byte[] send(Socket socket, long total) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            OutputStream out = socket.getOutputStream();
            Random data = new Random(42);
            byte[] buf = new byte[64 << 10];
            for (long left = total; left > 0; ) {
                data.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
                left -= n;
            }
            socket.shutdownOutput();
            return sha.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] receive(Socket socket, AtomicLong received) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64 << 10];
            int n;
            while ((n = in.read(buf)) >= 0) {
                sha.update(buf, 0, n);
                received.addAndGet(n);
            }
            return sha.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
