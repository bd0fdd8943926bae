package dev.portless.it.peers;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;

/**
 * A reader that checks a download against {@link DownloadPattern} as it arrives and describes the
 * first damage: where, and what kind (bytes from elsewhere in the stream, and how far away, or bytes
 * that are nowhere in it).
 */
public final class PatternCheck {
    private static final int SAMPLE_WORDS = 3;

    private final long expectedSize;
    private final byte[] buf = new byte[64 * 1024];
    private final byte[] word = new byte[8];
    private final byte[] sample = new byte[8 * SAMPLE_WORDS];
    private int wordFill;
    private long received;
    private long wordIndex;
    private long badWords;
    private long firstBadIndex = -1;
    private int sampled;

    /** Returns a check of a download that should be {@code expectedSize} bytes (a multiple of 8). */
    public PatternCheck(long expectedSize) {
        this.expectedSize = expectedSize;
    }

    /** Reads {@code in} to its end; returns null when it carried the pattern intact, else what was wrong. */
    public String readAll(InputStream in) throws IOException {
        int n;
        while ((n = in.read(buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                word[wordFill++] = buf[i];
                if (wordFill == 8) {
                    check();
                    wordFill = 0;
                }
            }
            received += n;
        }
        if (firstBadIndex >= 0) {
            return describeFirstDamage() + " (" + badWords + " bad words in " + received + " bytes)";
        }
        if (received != expectedSize) {
            return "received " + received + " bytes, expected " + expectedSize;
        }
        return null;
    }

    private void check() {
        long index = wordIndex++;
        if (firstBadIndex >= 0 && sampled < SAMPLE_WORDS) {
            System.arraycopy(word, 0, sample, 8 * sampled++, 8);
        }
        if (toLong(word, 0) == DownloadPattern.wordAt(index)) {
            return;
        }
        badWords++;
        if (firstBadIndex < 0) {
            firstBadIndex = index;
            System.arraycopy(word, 0, sample, 0, 8);
            sampled = 1;
        }
    }

    private String describeFirstDamage() {
        long offset = firstBadIndex * 8;
        String where = "first damage at offset " + offset + ": ";
        // A block copied from elsewhere need not keep word alignment: try every shift within a word.
        for (int shift = 0; shift < 8 && shift + 8 <= 8 * sampled; shift++) {
            long source = DownloadPattern.indexOf(toLong(sample, shift));
            long from = source * 8 - shift;
            if (source >= 0 && source < expectedSize / 8 && from >= 0) {
                return where + "bytes from offset " + from + " (" + (from - offset) + " bytes away)";
            }
        }
        return where + "bytes from nowhere in the stream: "
                + HexFormat.of().formatHex(sample, 0, 8 * sampled) + " instead of "
                + String.format("%016x", DownloadPattern.wordAt(firstBadIndex));
    }

    private static long toLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }
}
