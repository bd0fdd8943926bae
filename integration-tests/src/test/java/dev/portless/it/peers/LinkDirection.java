package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of a {@link Link} between two sockets. A reading thread takes bytes from the sender
 * only when the queue has room for a whole read and the direction holds less than
 * {@link Link#heldBound()}; a delivering thread writes each chunk to the receiver when it arrives.
 * So the sender is held back by the link's rate and queue, a receiver that stops reading stops the
 * sender too, and memory stays bounded. If either side fails, both sockets are closed and both
 * threads end; the end of the sender's stream reaches the receiver (half-close) after its last byte.
 */
final class LinkDirection {

    /** What the proxy's other faults do to a chunk just before it is written (stall, per-chunk delay). */
    interface BeforeDelivery {
        void await() throws InterruptedException;
    }

    private final Link link;
    private final Socket from;
    private final Socket to;
    private final BeforeDelivery beforeDelivery;
    // Bounded in bytes by `held`, not in count: each chunk is at most one read.
    private final BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
    private final Object heldLock = new Object();
    // Bytes read (or reserved for a read) and not yet written to the receiver; guarded by heldLock.
    private long held;
    private final Thread reader;
    private final Thread deliverer;

    private LinkDirection(Link link, Socket from, Socket to, BeforeDelivery beforeDelivery, String name) {
        this.link = link;
        this.from = from;
        this.to = to;
        this.beforeDelivery = beforeDelivery;
        this.reader = new Thread(this::readLoop, name + "-read");
        this.deliverer = new Thread(this::deliverLoop, name + "-deliver");
        reader.setDaemon(true);
        deliverer.setDaemon(true);
    }

    /** Returns a started direction carrying what {@code from} sends to {@code to} over {@code link}. */
    static LinkDirection start(Link link, Socket from, Socket to, BeforeDelivery beforeDelivery, String name) {
        LinkDirection direction = new LinkDirection(link, from, to, beforeDelivery, name);
        direction.reader.start();
        direction.deliverer.start();
        return direction;
    }

    /** Returns whether either of this direction's threads still runs. */
    boolean running() {
        return reader.isAlive() || deliverer.isAlive();
    }

    private void readLoop() {
        LinkSchedule schedule = new LinkSchedule(link, System.nanoTime());
        byte[] buffer = new byte[link.readBytes()];
        try {
            InputStream in = from.getInputStream();
            while (true) {
                // Room first, then the read: bytes the line cannot take stay in the sender's socket.
                reserve(buffer.length);
                sleepUntil(schedule.admissibleAt(System.nanoTime(), buffer.length));
                int n = in.read(buffer);
                release(buffer.length - Math.max(n, 0));
                long now = System.nanoTime();
                if (n < 0) {
                    line.put(new Chunk(schedule.admit(now, 0), null));
                    return;
                }
                line.put(new Chunk(schedule.admit(now, n), Arrays.copyOf(buffer, n)));
            }
        } catch (IOException | InterruptedException e) {
            fail(deliverer);
        }
    }

    private void deliverLoop() {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = line.take();
                sleepUntil(chunk.arrivesAt());
                beforeDelivery.await();
                if (chunk.bytes() == null) {
                    // Not closed: the other direction may still be flowing (half-close).
                    to.shutdownOutput();
                    return;
                }
                out.write(chunk.bytes());
                release(chunk.bytes().length);
            }
        } catch (IOException | InterruptedException e) {
            fail(reader);
        }
    }

    private void reserve(int bytes) throws InterruptedException {
        long bound = link.heldBound();
        synchronized (heldLock) {
            while (held + bytes > bound) {
                heldLock.wait();
            }
            held += bytes;
        }
    }

    private void release(int bytes) {
        synchronized (heldLock) {
            held -= bytes;
            heldLock.notifyAll();
        }
    }

    /** Ends the direction: both sockets closed (so the far ends see it) and the other thread woken. */
    private void fail(Thread other) {
        closeQuietly(from);
        closeQuietly(to);
        other.interrupt();
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("the link was cut");
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do.
        }
    }

    /** Bytes on the line and when their last byte reaches the far end; {@code null} bytes: the end. */
    private record Chunk(long arrivesAt, byte[] bytes) {}
}
