package dev.portless.it.peers;

/**
 * When each chunk of one {@link Link} direction may join the queue and when it reaches the far end:
 * pure arithmetic on a clock in nanoseconds, so the rules can be checked without waiting. The line
 * sends queued bytes one after another at the link's rate; the bytes still waiting at time t are
 * the rate times what is left of the line's busy time after t.
 */
final class LinkSchedule {
    private final Link link;
    // When the last admitted byte will have been put on the line; one reading thread only.
    private long lineFreeAt;

    LinkSchedule(Link link, long startNanos) {
        this.link = link;
        this.lineFreeAt = startNanos;
    }

    /** Returns the earliest time, not before {@code now}, at which {@code bytes} more fit in the queue. */
    long admissibleAt(long now, int bytes) {
        if (bytes > link.queueBytes()) {
            throw new IllegalArgumentException(
                    "bytes: " + bytes + " (expected: <= the queue's " + link.queueBytes() + ")");
        }
        // The queue holds rate * (lineFreeAt - t) bytes at t; room for `bytes` once that is at most queue - bytes.
        return Math.max(now, lineFreeAt - link.nanosToSend(link.queueBytes() - bytes));
    }

    /**
     * Queues {@code bytes} at {@code at} (no earlier than {@link #admissibleAt}) and returns when their
     * last byte reaches the far end: after the bytes before them and their own time on the line,
     * plus the propagation delay. Zero bytes (the end of the stream) arrive after all before them.
     */
    long admit(long at, int bytes) {
        lineFreeAt = Math.max(at, lineFreeAt) + link.nanosToSend(bytes);
        return lineFreeAt + link.oneWayNanos();
    }

    /** Returns how many whole admitted bytes are still waiting for the line at {@code now}. */
    long queuedBytes(long now) {
        long busyNanos = Math.max(0, lineFreeAt - now);
        return (long) Math.floor(busyNanos / 1e9 * link.bytesPerSecond());
    }
}
