package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InboundQueueTest {
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    // The peer's clock reads 123 s ahead of ours; the path takes 25 ms one way.
    private static final long PEER_AHEAD = 123_000 * MILLI;
    private static final long PATH = 25 * MILLI;

    private final InboundQueue queue = new InboundQueue();

    /** The peer stamps a PING at {@code sentAt} (our clock); it arrives {@code wait} after the path's own delay. */
    private long arrive(long sentAt, long wait) {
        long arrival = sentAt + PATH + wait;
        queue.onPeerStamp(PingStamp.payload(sentAt + PEER_AHEAD), arrival);
        return arrival;
    }

    @Test
    void nothingIsKnownBeforeThePeerStampsAPing() {
        assertEquals(-1, queue.queueNanos(System.nanoTime()));
    }

    @Test
    void theWaitBeyondTheLeastDelayIsTheQueueWhateverTheClocksRead() {
        arrive(1_000 * MILLI, 0);
        long arrival = arrive(1_100 * MILLI, 40 * MILLI);
        assertEquals(40 * MILLI, queue.queueNanos(arrival));
        arrival = arrive(1_200 * MILLI, 5 * MILLI);
        assertEquals(5 * MILLI, queue.queueNanos(arrival));
    }

    @Test
    void aShorterDelayThanAnySeenBecomesTheLeast() {
        arrive(1_000 * MILLI, 30 * MILLI);
        long arrival = arrive(1_100 * MILLI, 0);
        assertEquals(0, queue.queueNanos(arrival));
        arrival = arrive(1_200 * MILLI, 10 * MILLI);
        assertEquals(10 * MILLI, queue.queueNanos(arrival));
    }

    @Test
    void aSampleOlderThanASecondIsNotTrusted() {
        arrive(900 * MILLI, 0);
        long arrival = arrive(1_000 * MILLI, 20 * MILLI);
        assertEquals(20 * MILLI, queue.queueNanos(arrival + InboundQueue.FRESH_NANOS));
        assertEquals(-1, queue.queueNanos(arrival + InboundQueue.FRESH_NANOS + 1));
    }
}
