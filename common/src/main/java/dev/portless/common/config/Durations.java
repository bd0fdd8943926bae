package dev.portless.common.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in the short form configuration files use: a whole number and one unit,
 * {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}.
 *
 * <p>Compound forms such as {@code 1m30s} and ISO-8601 are refused on purpose: one spelling per value keeps
 * files easy to read and messages easy to match.
 */
public final class Durations {

    /** The accepted forms, for error messages. */
    public static final String EXPECTED = "a whole number with a unit: 500ms, 10s, 5m, 1h";

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    private Durations() {}

    /**
     * Returns the duration {@code text} denotes.
     *
     * @throws IllegalArgumentException with a sentence naming the accepted forms when {@code text} is not one
     */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        final Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            final String hint = text.trim().matches("\\d+") ? " has no unit" : " is not a duration";
            throw new IllegalArgumentException('"' + text + '"' + hint + " (expected: " + EXPECTED + ')');
        }
        final long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            default:
                return Duration.ofHours(amount);
        }
    }

    /** Returns {@code duration} in the largest unit that represents it exactly, e.g. {@code 90s}, {@code 5m}. */
    public static String format(Duration duration) {
        requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        final long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
