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
    void theBytesOfARoundTripScaleToTheBaseRoundTrip() {
        assertEquals(WINDOW / 4, Http2WindowGrowth.bytesPerBaseRoundTrip(WINDOW, 4 * BASE, BASE));
        assertEquals(WINDOW, Http2WindowGrowth.bytesPerBaseRoundTrip(WINDOW, BASE, BASE));
        // The first round trip is its own base.
        assertEquals(WINDOW, Http2WindowGrowth.bytesPerBaseRoundTrip(WINDOW, BASE, Long.MAX_VALUE));
    }
}
