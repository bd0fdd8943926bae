package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Http2WindowGrowthTest {
    private static final int WINDOW = 1 << 20;
    private static final long BASE = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void aWindowDeliveredInTheBaseRoundTripIsTheLimit() {
        assertTrue(Http2WindowGrowth.windowLimits(WINDOW, BASE, BASE, WINDOW));
        assertTrue(Http2WindowGrowth.windowLimits(WINDOW * 3L / 4, BASE, BASE, WINDOW));
    }

    @Test
    void aWindowDeliveredBehindAQueueIsNotTheLimit() {
        // A whole window arrived, but in a round trip ten times the path's own: nine tenths of it waited
        // in a queue, which a larger window would only lengthen.
        assertFalse(Http2WindowGrowth.windowLimits(WINDOW, 10 * BASE, BASE, WINDOW));
        assertFalse(Http2WindowGrowth.windowLimits(WINDOW, 2 * BASE, BASE, WINDOW));
    }

    @Test
    void aSmallQueueStillLetsAFullWindowGrow() {
        assertTrue(Http2WindowGrowth.windowLimits(WINDOW, BASE + BASE / 5, BASE, WINDOW));
    }

    @Test
    void aWindowNotFilledIsNotTheLimitWhateverTheRoundTrip() {
        assertFalse(Http2WindowGrowth.windowLimits(WINDOW / 2, BASE, BASE, WINDOW));
    }

    @Test
    void theBytesOfARoundTripScaleToTheCreditRoundTrip() {
        assertEquals(WINDOW / 4, Http2WindowGrowth.bytesPerCreditRoundTrip(WINDOW, 4 * BASE, BASE));
        assertEquals(WINDOW, Http2WindowGrowth.bytesPerCreditRoundTrip(WINDOW, BASE, BASE));
        // The first round trip is its own base.
        assertEquals(WINDOW, Http2WindowGrowth.bytesPerCreditRoundTrip(WINDOW, BASE, Long.MAX_VALUE));
    }

    @Test
    void withoutTheInboundQueueTheCreditRoundTripIsTheShortest() {
        assertEquals(BASE, Http2WindowGrowth.creditRoundTrip(3 * BASE, BASE, -1));
    }

    @Test
    void theQueueOnTheWayHereIsTakenOutOfTheRoundTrip() {
        // 150 ms measured, 80 ms of it behind the peer's bytes to us: the update waited 20 ms behind ours.
        long inbound = TimeUnit.MILLISECONDS.toNanos(80);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(70), Http2WindowGrowth.creditRoundTrip(3 * BASE, BASE, inbound));
        // A queue sampled a moment apart from the round trip never takes it under the path's own.
        assertEquals(BASE, Http2WindowGrowth.creditRoundTrip(3 * BASE, BASE, 3 * BASE));
    }

    @Test
    void aWindowWhoseUpdatesWaitBehindOurOwnBytesIsTheLimit() {
        // An echo: a whole window per 150 ms round trip, with nothing queued on the way here; the
        // 100 ms beyond the path's own is our updates waiting behind the other direction's bytes.
        long roundTrip = 3 * BASE;
        assertFalse(Http2WindowGrowth.windowLimits(WINDOW, roundTrip, BASE, WINDOW));
        assertTrue(Http2WindowGrowth.windowLimits(
                WINDOW, roundTrip, Http2WindowGrowth.creditRoundTrip(roundTrip, BASE, 0), WINDOW));
    }
}
