package dev.portless.common.mux;

import java.util.concurrent.TimeUnit;

/**
 * How long bytes from the peer now wait on their way to us, beyond the least wait seen: read from the
 * stamps of the peer's measuring PINGs ({@link PingStamp}), which travel behind the peer's bytes.
 *
 * <p>Each stamp gives the one-way delay plus the constant difference of the two clocks; the smallest of
 * these is the path's own delay plus that difference, so a stamp minus the smallest is the queueing
 * delay alone, whatever the clocks read. Two machines' clocks also drift apart, by microseconds a
 * second under NTP: a peer clock that falls behind ours makes the queue look longer, the careful side
 * (a window then grows less), and one that runs ahead keeps setting a new least delay, so the error is
 * what drift adds up to since the queue was last empty.
 */
final class InboundQueue {
    /** How long a sample stays true: a peer that stopped sending its PINGs stopped receiving, and its queue drains. */
    static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private boolean seen;
    private long leastDelay;
    private long queueMicros;
    private long sampledAt;

    /** Takes the stamp of a peer's measuring PING that arrived at {@code nanoTime}. */
    void onPeerStamp(long payload, long nanoTime) {
        long delay = PingStamp.microsSince(payload, nanoTime);
        if (!seen || PingStamp.difference(delay, leastDelay) < 0) {
            seen = true;
            leastDelay = delay;
        }
        queueMicros = PingStamp.difference(delay, leastDelay);
        sampledAt = nanoTime;
    }

    /**
     * Returns the queueing delay of the latest sample in nanoseconds, or -1 when there is none from the
     * last {@link #FRESH_NANOS} before {@code nanoTime}.
     */
    long queueNanos(long nanoTime) {
        if (!seen || nanoTime - sampledAt > FRESH_NANOS) {
            return -1;
        }
        return TimeUnit.MICROSECONDS.toNanos(queueMicros);
    }
}
