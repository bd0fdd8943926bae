package dev.portless.bench.report;

import java.util.List;
import java.util.Optional;

/**
 * One of the targets: a figure, what Portless must reach, and whether the medians
 * of one run of the bench reach it. Ratios are taken within the same run, never across runs.
 *
 * @param figure      the figure the target is about
 * @param description the target as the table states it
 * @param check       the verdict from the medians; empty when a figure it needs was not measured
 */
public record Target(Figure figure, String description, Check check) {

    /** The verdict of a target on one run's results. */
    @FunctionalInterface
    public interface Check {
        /** Returns whether the target is met, or empty if a needed figure is missing. */
        Optional<Boolean> met(Results results);
    }

    /** Returns the targets for this 2-core machine. */
    public static List<Target> all() {
        return List.of(
                new Target(
                        Figure.THROUGHPUT_1,
                        "≥ 2× ssh -L",
                        r -> ratio(r, Figure.THROUGHPUT_1, Route.SSH).map(x -> x >= 2)),
                new Target(
                        Figure.RTT_P50,
                        "≤ ssh -L",
                        r -> ratio(r, Figure.RTT_P50, Route.SSH).map(x -> x <= 1)),
                new Target(
                        Figure.SETUP_P50,
                        "≤ 5 ms",
                        r -> portless(r, Figure.SETUP_P50).map(v -> v <= 5)),
                new Target(
                        Figure.RATE, "≥ 1,000/s", r -> portless(r, Figure.RATE).map(v -> v >= 1000)),
                new Target(
                        Figure.IDLE_RSS,
                        "≤ 64 KiB",
                        r -> portless(r, Figure.IDLE_RSS).map(v -> v <= 64)),
                new Target(
                        Figure.SSH_TRUE,
                        "≤ 1.25× direct",
                        r -> ratio(r, Figure.SSH_TRUE, Route.DIRECT).map(x -> x <= 1.25)));
    }

    /** Returns the target about {@code figure}, if the issue sets one. */
    public static Optional<Target> of(Figure figure) {
        return all().stream().filter(t -> t.figure == figure).findFirst();
    }

    /** Returns Portless's median divided by {@code other}'s median, in the same run. */
    public static Optional<Double> ratio(Results r, Figure figure, Route other) {
        Optional<Summary> p = r.summary(figure, Route.PORTLESS);
        Optional<Summary> o = r.summary(figure, other);
        if (p.isEmpty() || o.isEmpty() || o.get().median() == 0) {
            return Optional.empty();
        }
        return Optional.of(p.get().median() / o.get().median());
    }

    private static Optional<Double> portless(Results r, Figure figure) {
        return r.summary(figure, Route.PORTLESS).map(Summary::median);
    }
}
