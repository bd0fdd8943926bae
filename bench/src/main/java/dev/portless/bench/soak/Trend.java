package dev.portless.bench.soak;

import java.util.List;

/**
 * The trend of one series over a soak: a least-squares line through the last two thirds of its
 * samples (the first third is warm-up: caches fill, the JIT compiles), and the rise of that line
 * over its span as a percentage of where it starts.
 *
 * @param rise        how much the fitted line climbs from the first to the last fitted sample
 * @param risePercent that climb as a percentage of where the line starts
 * @param samples     how many samples the line was fitted to
 */
record Trend(double rise, double risePercent, int samples) {

    /** Returns the trend of {@code values} taken at {@code seconds}; both lists have the same length. */
    static Trend of(List<Double> seconds, List<Double> values) {
        if (seconds.size() != values.size()) {
            throw new IllegalArgumentException(
                    "a trend needs as many times as values, got " + seconds.size() + " and " + values.size());
        }
        int n = values.size();
        int from = n - Math.max(2, (2 * n + 2) / 3);
        if (from < 0) {
            return new Trend(0, 0, n);
        }
        int m = n - from;
        double meanT = 0;
        double meanV = 0;
        for (int i = from; i < n; i++) {
            meanT += seconds.get(i) / m;
            meanV += values.get(i) / m;
        }
        double sTV = 0;
        double sTT = 0;
        for (int i = from; i < n; i++) {
            double dt = seconds.get(i) - meanT;
            sTV += dt * (values.get(i) - meanV);
            sTT += dt * dt;
        }
        double slope = sTT == 0 ? 0 : sTV / sTT;
        double start = meanV + slope * (seconds.get(from) - meanT);
        double span = seconds.get(n - 1) - seconds.get(from);
        double rise = slope * span;
        return new Trend(rise, start <= 0 ? 0 : 100 * rise / start, m);
    }
}
