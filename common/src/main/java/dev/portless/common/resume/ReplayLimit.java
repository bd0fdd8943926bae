package dev.portless.common.resume;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The replay limit of one {@link ResumableEnd}: how many unacknowledged bytes it keeps before it stops
 * reading its source. The limit is the stream's end-to-end window, so a fixed one caps a stream at one
 * limit per acknowledgement round trip (4 MiB at 50 ms is 84 MB/s, less when the acknowledgements queue
 * behind the other direction's bytes). It therefore starts small and doubles, up to a cap, while the
 * peer shows that the limit, not the path or the peer, holds the stream back: the source was stopped at
 * the limit with a carrier ready to take more, and the peer acknowledged half the limit within
 * {@link #TURNOVER_NANOS}.
 *
 * <p>A peer whose own destination reads slowly acknowledges slowly, so its sender's limit stays small:
 * the receiver reads its carrier even while its destination is slow (acknowledgements must not queue
 * behind bytes), and what waits there is at most this limit. A limit never shrinks during a stream;
 * an idle stream keeps its start, which is only a number, not an allocation.
 */
final class ReplayLimit {
    /** How quickly half a limit must be acknowledged for it to count as the bound: one second. */
    static final long TURNOVER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long cap;
    private final LongSupplier clock;
    private long limit;
    private long periodStartNanos;
    private long periodStartAcknowledged;

    /** Returns a limit that starts at {@code start} and grows up to {@code cap}, timed by {@code clock}. */
    ReplayLimit(long start, long cap, LongSupplier clock) {
        if (start < 1 || cap < start) {
            throw new IllegalArgumentException(
                    "replay limit: start " + start + ", cap " + cap + " (expected: 1 <= start <= cap)");
        }
        this.limit = start;
        this.cap = cap;
        this.clock = clock;
        this.periodStartNanos = clock.getAsLong();
    }

    /** Returns the limit now. */
    long current() {
        return limit;
    }

    /**
     * The source was stopped at the limit while a carrier could take more bytes, with {@code acknowledged}
     * bytes acknowledged in all. Returns whether the limit grew (so the source may be read again).
     */
    boolean heldWithCarrierReady(long acknowledged) {
        long now = clock.getAsLong();
        if (now - periodStartNanos > TURNOVER_NANOS) {
            // Too slow a turnover to blame the limit: measure again from here.
            periodStartNanos = now;
            periodStartAcknowledged = acknowledged;
            return false;
        }
        if (limit >= cap || acknowledged - periodStartAcknowledged < limit / 2) {
            return false;
        }
        limit = Math.min(cap, 2 * limit);
        periodStartNanos = now;
        periodStartAcknowledged = acknowledged;
        return true;
    }
}
