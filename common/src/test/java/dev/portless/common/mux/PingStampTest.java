package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PingStampTest {
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aStampedPayloadIsAMeasuringOneAndAKeepaliveIsNot() {
        assertTrue(PingStamp.isMeasuring(PingStamp.payload(System.nanoTime())));
        assertTrue(PingStamp.isMeasuring(PingStamp.payload(-5)));
        // Keepalive PINGs carry the sender's nanoTime; the tuner's earlier payload was "portless" in ASCII.
        assertFalse(PingStamp.isMeasuring(System.nanoTime()));
        assertFalse(PingStamp.isMeasuring(0x706f72746c657373L));
    }

    @Test
    void theRoundTripIsReadFromThePayload() {
        long sent = 7_000 * MILLI;
        assertEquals(50_000, PingStamp.microsSince(PingStamp.payload(sent), sent + 50 * MILLI));
    }

    @Test
    void aRoundTripAcrossTheWrapOfTheStampStaysSmall() {
        long beforeWrap = TimeUnit.MICROSECONDS.toNanos((1L << 48) - 10);
        assertEquals(30, PingStamp.microsSince(PingStamp.payload(beforeWrap), beforeWrap + 30_000));
    }

    @Test
    void aClockBehindTheStampGivesANegativeDifference() {
        assertEquals(-2_000, PingStamp.microsSince(PingStamp.payload(10 * MILLI), 8 * MILLI));
        assertEquals(-5, PingStamp.difference(0, 5));
        assertEquals(5, PingStamp.difference(2, (1L << 48) - 3));
    }
}
