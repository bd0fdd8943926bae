package dev.portless.bench.web;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code wrk --latency} run printed: requests per second, the latency percentiles and the
 * failures it counted. A run with any failed request does not measure the route, so {@link #parse}
 * refuses it.
 *
 * @param requestsPerSecond wrk's "Requests/sec"
 * @param p50Millis         the 50th percentile of the latency distribution, in milliseconds
 * @param p99Millis         the 99th percentile, in milliseconds
 * @param requests          how many requests completed
 */
public record WrkOutput(double requestsPerSecond, double p50Millis, double p99Millis, long requests) {
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern COUNT = Pattern.compile("(?m)^\\s*([0-9]+) requests in ");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses:\\s+([0-9]+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("(?m)^\\s*Socket errors:(.*)$");

    /** Returns the figures of {@code text}, or throws naming what makes the run unusable. */
    public static WrkOutput parse(String text) {
        Matcher nonOk = NON_2XX.matcher(text);
        if (nonOk.find()) {
            throw new IllegalArgumentException(
                    nonOk.group(1) + " responses were not 2xx or 3xx; the route is broken, see the bench log");
        }
        Matcher errors = SOCKET_ERRORS.matcher(text);
        if (errors.find()) {
            throw new IllegalArgumentException("wrk counted socket errors ("
                    + errors.group(1).strip() + "); the route dropped connections, see the bench log");
        }
        long requests = Long.parseLong(find(COUNT, text, "the request count"));
        if (requests == 0) {
            throw new IllegalArgumentException("wrk completed no request; the route is broken, see the bench log");
        }
        return new WrkOutput(
                Double.parseDouble(find(RATE, text, "Requests/sec")),
                percentile(text, "50%"),
                percentile(text, "99%"),
                requests);
    }

    /** Returns the figures as {@code name value} lines, each name prefixed with {@code prefix}. */
    public String lines(String prefix) {
        return String.format(
                Locale.ROOT,
                "%s_rps %.1f%n%s_p50_ms %.3f%n%s_p99_ms %.3f%n%s_requests %d%n",
                prefix,
                requestsPerSecond,
                prefix,
                p50Millis,
                prefix,
                p99Millis,
                prefix,
                requests);
    }

    private static double percentile(String text, String label) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s|m)\\s*$")
                .matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("wrk printed no " + label + " latency line; run it with --latency");
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
    }

    private static String find(Pattern pattern, String text, String what) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("wrk printed no " + what + "; is this wrk's output?");
        }
        return m.group(1);
    }
}
