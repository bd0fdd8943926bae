package dev.portless.bench.report;

import java.util.List;

/**
 * What several runs of one figure on one path say: the median, which the report quotes,
 * and the smallest and largest run, which show the spread.
 *
 * @param median the median run (the mean of the middle two for an even count)
 * @param min    the smallest run
 * @param max    the largest run
 * @param runs   how many runs there were
 */
public record Summary(double median, double min, double max, int runs) {

    /** Returns the summary of {@code values}, which must not be empty. */
    public static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("values: empty (expected: at least one run)");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Summary(median, v[0], v[n - 1], n);
    }
}
