package dev.portless.common.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a replay limit grows, and when it must not. */
class ReplayLimitTest {

    private static final long MIB = 1 << 20;

    private long now;

    private ReplayLimit limit(long start, long cap) {
        return new ReplayLimit(start, cap, () -> now);
    }

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void aLimitTheStreamTurnsOverQuicklyDoublesUpToItsCap() {
        ReplayLimit limit = limit(4 * MIB, 16 * MIB);
        advanceMillis(50);
        assertFalse(limit.heldWithCarrierReady(0), "nothing acknowledged yet: the path, not the limit, holds it");
        advanceMillis(50);
        assertTrue(limit.heldWithCarrierReady(2 * MIB));
        assertEquals(8 * MIB, limit.current());
        advanceMillis(100);
        assertFalse(limit.heldWithCarrierReady(5 * MIB), "3 MiB since the growth is less than half of 8 MiB");
        advanceMillis(100);
        assertTrue(limit.heldWithCarrierReady(7 * MIB));
        assertEquals(16 * MIB, limit.current());
        advanceMillis(100);
        assertFalse(limit.heldWithCarrierReady(40 * MIB), "at the cap");
        assertEquals(16 * MIB, limit.current());
    }

    @Test
    void aPeerThatAcknowledgesSlowlyKeepsTheStartLimit() {
        ReplayLimit limit = limit(4 * MIB, 16 * MIB);
        long acknowledged = 0;
        // 1 MiB a second: a destination that reads slowly, whose bytes would only pile up at the peer.
        for (int i = 0; i < 100; i++) {
            advanceMillis(250);
            acknowledged += MIB / 4;
            assertFalse(limit.heldWithCarrierReady(acknowledged), "at " + i);
        }
        assertEquals(4 * MIB, limit.current());
    }

    @Test
    void aQuickTurnoverAfterAPauseCountsFromTheEndOfThePause() {
        ReplayLimit limit = limit(4 * MIB, 16 * MIB);
        advanceMillis(5_000);
        assertFalse(limit.heldWithCarrierReady(3 * MIB), "the first hold after a pause only starts a measure");
        advanceMillis(200);
        assertTrue(limit.heldWithCarrierReady(5 * MIB));
        assertEquals(8 * MIB, limit.current());
    }

    @Test
    void aCapBelowTheStartIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> limit(4 * MIB, MIB));
        assertTrue(e.getMessage().contains("expected: 1 <= start <= cap"), e.getMessage());
    }
}
