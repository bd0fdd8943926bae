package dev.portless.common.mux;

import java.util.concurrent.TimeUnit;

/**
 * The payload of a window tuner's measuring PING: a 16-bit mark ("pl") that tells it from a keepalive
 * PING, and the sender's monotonic clock in microseconds in the low 48 bits (8.9 years before it wraps).
 *
 * <p>Its acknowledgement carries the same 8 bytes back (RFC 9113, 6.7), so the sender reads its round
 * trip from the payload; and the peer, which sees the PING itself, reads from the stamp how long the PING
 * took on the way to it, up to the difference of the two clocks, which stays the same from one PING to
 * the next. That difference cancels out of the one-way queueing delay {@link InboundQueue} derives.
 */
final class PingStamp {
    /** The mark in the top 16 bits of a measuring PING's payload. */
    static final long MARK = 0x706cL;

    private static final int STAMP_BITS = 48;
    private static final long STAMP_MASK = (1L << STAMP_BITS) - 1;

    private PingStamp() {}

    /** Returns the payload of a measuring PING sent at {@code nanoTime} (a {@link System#nanoTime()} reading). */
    static long payload(long nanoTime) {
        return (MARK << STAMP_BITS) | (TimeUnit.NANOSECONDS.toMicros(nanoTime) & STAMP_MASK);
    }

    /** Returns whether {@code payload} is a measuring PING's, not a keepalive's or another program's. */
    static boolean isMeasuring(long payload) {
        return payload >>> STAMP_BITS == MARK;
    }

    /**
     * Returns the microseconds from the stamp in {@code payload} to {@code nanoTime} on the local clock,
     * modulo 2^48 and read as a signed 48-bit number, so a difference across the wrap stays small. For an
     * acknowledged PING of our own that is its round trip; for the peer's PING it is the one-way delay plus
     * the difference of the two clocks.
     */
    static long microsSince(long payload, long nanoTime) {
        return difference(TimeUnit.NANOSECONDS.toMicros(nanoTime), payload);
    }

    /** Returns the 48-bit {@code value} sign-extended to 64 bits. */
    static long signed(long value) {
        return value << (Long.SIZE - STAMP_BITS) >> (Long.SIZE - STAMP_BITS);
    }

    /** Returns {@code a - b} for two 48-bit clock readings, wrap-safe. */
    static long difference(long a, long b) {
        return signed((a - b) & STAMP_MASK);
    }
}
