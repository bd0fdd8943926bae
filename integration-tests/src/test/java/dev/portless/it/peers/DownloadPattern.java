package dev.portless.it.peers;

import java.nio.ByteBuffer;

/**
 * The bytes {@link PatternServer} sends: the 8-byte big-endian word at each offset {@code 8k} is
 * {@code k * ODD}, which no other word equals, so a wrong word read back tells where it came from.
 */
public final class DownloadPattern {
    private static final long ODD = 0x9E3779B97F4A7C15L;
    // The inverse of ODD modulo 2^64, by Newton's iteration: ODD * INVERSE == 1.
    private static final long INVERSE = inverse(ODD);

    private DownloadPattern() {}

    /** Fills {@code buf} from its position to its limit with the pattern from stream offset {@code offset} (a multiple of 8). */
    static void fill(ByteBuffer buf, long offset) {
        long word = offset >>> 3;
        while (buf.remaining() >= 8) {
            buf.putLong(word++ * ODD);
        }
    }

    /** Returns the word expected at stream offset {@code 8 * index}. */
    public static long wordAt(long index) {
        return index * ODD;
    }

    /** Returns the word index a pattern word came from (meaningless for a word not from the pattern). */
    public static long indexOf(long word) {
        return word * INVERSE;
    }

    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }
}
