package dev.portless.bench.web;

/**
 * Every figure of the HTTP table, in table order: its results.tsv name, its label, which way is better,
 * and the target against the nginx proxy (Portless ÷ nginx proxy), if it sets one.
 */
enum WebFigure {
    SMALL_RPS("http_small_rps", "1 KiB responses, requests/s", true, "%.0f", 0.5),
    SMALL_P50("http_small_p50_ms", "1 KiB responses, p50, ms", false, "%.2f", 2),
    SMALL_P99("http_small_p99_ms", "1 KiB responses, p99, ms", false, "%.2f", 0),
    LARGE_RPS("http_1m_rps", "1 MiB responses, requests/s", true, "%.0f", 0.5),
    LARGE_P50("http_1m_p50_ms", "1 MiB responses, p50, ms", false, "%.1f", 2),
    LARGE_P99("http_1m_p99_ms", "1 MiB responses, p99, ms", false, "%.1f", 0),
    ONE_CONNECTION_RPS("http_small_c1_rps", "1 KiB, one connection, requests/s", true, "%.0f", 0),
    ONE_CONNECTION_P50("http_small_c1_p50_ms", "1 KiB, one connection, p50, ms", false, "%.2f", 0);

    private final String key;
    private final String label;
    private final boolean higherIsBetter;
    private final String format;
    private final double targetRatio;

    WebFigure(String key, String label, boolean higherIsBetter, String format, double targetRatio) {
        this.key = key;
        this.label = label;
        this.higherIsBetter = higherIsBetter;
        this.format = format;
        this.targetRatio = targetRatio;
    }

    String key() {
        return key;
    }

    String label() {
        return label;
    }

    String format() {
        return format;
    }

    boolean hasTarget() {
        return targetRatio > 0;
    }

    /** Returns the target as the table states it; only for a figure that {@link #hasTarget()}. */
    String target() {
        return (higherIsBetter ? "≥ " : "≤ ")
                + (targetRatio == (int) targetRatio ? "" + (int) targetRatio : "" + targetRatio) + "× nginx proxy";
    }

    /** Returns whether Portless's median divided by the nginx proxy's meets the target. */
    boolean met(double ratio) {
        return higherIsBetter ? ratio >= targetRatio : ratio <= targetRatio;
    }

    /** Returns the figure named {@code key}, or null for a figure of another table. */
    static WebFigure ofKey(String key) {
        for (WebFigure f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }
}
