package dev.portless.bench.probe;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Percentiles of a set of samples (nanoseconds), by the nearest-rank method on a sorted
 * copy: the p-th percentile is the smallest sample at or above p percent of all samples. No
 * interpolation, no histogram buckets: every figure is a time that was really measured.
 */
public final class Percentiles {
    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    /** Returns the percentiles of {@code samples}, which must not be empty; the array is not changed. */
    public static Percentiles of(long[] samples) {
        requireNonNull(samples, "samples");
        if (samples.length == 0) {
            throw new IllegalArgumentException("samples: empty (expected: at least one)");
        }
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    /** Returns the {@code p}-th percentile, 0 &lt; p &lt;= 100. */
    public long at(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("p: " + p + " (expected: 0 < p <= 100)");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Returns how many samples there are. */
    public int count() {
        return sorted.length;
    }
}
