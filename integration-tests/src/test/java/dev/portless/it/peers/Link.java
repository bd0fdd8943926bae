package dev.portless.it.peers;

import java.time.Duration;

/**
 * One direction of an emulated network path, as {@link FaultProxy} plays it: bytes are put on the
 * line no faster than {@code bytesPerSecond} (serialization), each arrives {@code oneWayNanos} after
 * it was put on the line (propagation), and at most {@code queueBytes} wait in front of the line
 * (a router's buffer). What does not fit in the queue is not read from the sender at all, so the
 * sender is held back as a full path holds it back; nothing is dropped, reordered or corrupted.
 *
 * @param bytesPerSecond the line rate
 * @param oneWayNanos the propagation delay of one direction
 * @param queueBytes the most bytes that wait for the line
 * @param socketBufferBytes the kernel send and receive buffers asked for on the proxy's own sockets:
 *     they hold bytes without delay (at the sender's side they lengthen the queue, at the receiver's
 *     side they are the receiver's own buffer), so they are kept small next to the path
 */
public record Link(long bytesPerSecond, long oneWayNanos, int queueBytes, int socketBufferBytes) {

    /** The smallest queue: a few reads' worth, so a slow short link still moves whole chunks. */
    static final int MIN_QUEUE_BYTES = 16 << 10;

    /**
     * 128 KiB (the kernel doubles it for its bookkeeping): about 1 ms of a 1 Gbit/s line, 5 ms of a
     * 200 Mbit/s one. Left to themselves loopback sockets grow to several MiB (net.ipv4.tcp_rmem),
     * which at the proxy's sender side would be tens of milliseconds of queue the path does not have.
     */
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 128 << 10;

    private static final int MAX_READ_BYTES = 64 << 10;

    public Link {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
        }
        if (oneWayNanos < 0) {
            throw new IllegalArgumentException("oneWayNanos: " + oneWayNanos + " (expected: >= 0)");
        }
        if (queueBytes < MIN_QUEUE_BYTES) {
            throw new IllegalArgumentException("queueBytes: " + queueBytes + " (expected: >= " + MIN_QUEUE_BYTES + ")");
        }
        if (socketBufferBytes <= 0) {
            throw new IllegalArgumentException("socketBufferBytes: " + socketBufferBytes + " (expected: > 0)");
        }
    }

    /**
     * Returns a link of {@code bytesPerSecond} and {@code oneWay} delay whose queue holds a quarter of
     * the round trip's bandwidth-delay product (at least {@link #MIN_QUEUE_BYTES}), with the default
     * socket buffers. A quarter, not the classic full product: that rule keeps a loss-based TCP's line
     * busy after it halves its window on a drop, and this line never drops (it holds the sender back
     * instead); a quarter still absorbs a socket buffer's burst, and a full queue adds at most a
     * quarter of the round trip, so what measures round trips over it sees mostly the path.
     */
    public static Link of(long bytesPerSecond, Duration oneWay) {
        long oneWayNanos = oneWay.toNanos();
        double roundTripProduct = bytesPerSecond * (2 * oneWayNanos / 1e9);
        long quarter = (long) Math.ceil(roundTripProduct / 4);
        int queue = (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_QUEUE_BYTES, quarter));
        return new Link(bytesPerSecond, oneWayNanos, queue, DEFAULT_SOCKET_BUFFER_BYTES);
    }

    /** Returns this link with {@code bytes} of socket buffers on the proxy's sockets. */
    public Link withSocketBuffers(int bytes) {
        return new Link(bytesPerSecond, oneWayNanos, queueBytes, bytes);
    }

    /** Returns how long {@code bytes} take to be put on the line, rounded up. */
    long nanosToSend(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / bytesPerSecond);
    }

    /** Returns the most bytes one read from the sender takes: never more than the queue holds. */
    int readBytes() {
        return Math.min(MAX_READ_BYTES, queueBytes);
    }

    /**
     * Returns the most bytes one direction holds, read from the sender and not yet written to the
     * receiver: the queue, the bytes on the line (rate times delay) and two reads for the one being
     * delivered and the one being read. A receiver that stops reading stops the sender at this bound.
     */
    long heldBound() {
        long onTheLine = (long) Math.ceil(bytesPerSecond * (oneWayNanos / 1e9));
        return queueBytes + onTheLine + 2L * readBytes();
    }
}
