package dev.portless.bench.report;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every figure the bench reports, in table order: what it is, its unit, which way is
 * better, and the routes that measure it.
 */
public enum Figure {
    THROUGHPUT_1("tput1_gbps", "Throughput, 1 stream (iperf3)", "Gbit/s", true, "%.2f"),
    THROUGHPUT_8("tput8_gbps", "Throughput, 8 parallel streams (iperf3 -P 8)", "Gbit/s", true, "%.2f"),
    RTT_P50("rtt_p50_us", "64 B request/response, p50", "µs", false, "%.0f"),
    RTT_P99("rtt_p99_us", "64 B request/response, p99", "µs", false, "%.0f"),
    RTT_P999("rtt_p999_us", "64 B request/response, p99.9", "µs", false, "%.0f"),
    SETUP_P50("setup_p50_ms", "New connection to first echoed byte, p50", "ms", false, "%.2f"),
    SETUP_P99("setup_p99_ms", "New connection to first echoed byte, p99", "ms", false, "%.2f"),
    RATE("rate_conns_per_s", "New connections per second, sustained (4 workers)", "conn/s", true, "%.0f"),
    IDLE_RSS(
            "idle_rss_kib_per_stream",
            "Memory per idle stream, RSS (edge + connector; ssh + sshd)",
            "KiB",
            false,
            "%.1f",
            EnumSet.of(Route.SSH, Route.PORTLESS)),
    IDLE_HEAP(
            "idle_heap_kib_per_stream",
            "Memory per idle stream, live heap (edge + connector)",
            "KiB",
            false,
            "%.1f",
            EnumSet.of(Route.PORTLESS)),
    SSH_TRUE("ssh_true_ms", "`ssh host true` wall time (Portless: access ssh as ProxyCommand)", "ms", false, "%.0f"),
    ACCESS_START(
            "access_start_ms",
            "`access --version` start-up, AppCDS launcher",
            "ms",
            false,
            "%.0f",
            EnumSet.of(Route.PORTLESS)),
    ACCESS_START_PLAIN(
            "access_start_plain_ms",
            "`access --version` start-up, without the AppCDS archive",
            "ms",
            false,
            "%.0f",
            EnumSet.of(Route.PORTLESS));

    private final String key;
    private final String label;
    private final String unit;
    private final boolean higherIsBetter;
    private final String format;
    private final Set<Route> routes;

    Figure(String key, String label, String unit, boolean higherIsBetter, String format) {
        this(key, label, unit, higherIsBetter, format, EnumSet.allOf(Route.class));
    }

    Figure(String key, String label, String unit, boolean higherIsBetter, String format, Set<Route> routes) {
        this.key = key;
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.format = format;
        this.routes = routes;
    }

    /** Returns the name used in results.tsv and by the probes. */
    public String key() {
        return key;
    }

    /** Returns the row heading, without the unit. */
    public String label() {
        return label;
    }

    /** Returns the unit of the figure. */
    public String unit() {
        return unit;
    }

    /** Returns whether a larger value is better (throughput) rather than worse (latency, memory). */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Returns the printf format of one value. */
    public String format() {
        return format;
    }

    /** Returns the routes this figure is measured on. */
    public Set<Route> routes() {
        return routes;
    }

    /** Returns the figure named {@code key}, or null if the report does not know it. */
    public static Figure ofKey(String key) {
        for (Figure f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }
}
