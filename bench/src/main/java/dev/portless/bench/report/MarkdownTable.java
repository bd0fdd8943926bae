package dev.portless.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The results as one markdown table: each figure's median per route with the spread of the
 * runs, Portless's ratio to ssh -L and to direct, the target and whether it was met.
 */
final class MarkdownTable {
    private MarkdownTable() {}

    static String render(Results results) {
        StringBuilder t = new StringBuilder();
        t.append(
                "| Figure | direct | ssh -L | Portless | Portless ÷ ssh -L | Portless ÷ direct | Target | Verdict |\n");
        t.append("|---|--:|--:|--:|--:|--:|---|---|\n");
        for (Figure f : Figure.values()) {
            t.append("| ").append(f.label()).append(", ").append(f.unit());
            for (Route r : Route.values()) {
                t.append(" | ").append(cell(results, f, r));
            }
            t.append(" | ").append(ratio(results, f, Route.SSH));
            t.append(" | ").append(ratio(results, f, Route.DIRECT));
            Optional<Target> target = Target.of(f);
            t.append(" | ").append(target.map(Target::description).orElse(""));
            t.append(" | ")
                    .append(target.map(x -> verdict(x, results)).orElse(""))
                    .append(" |\n");
        }
        return t.toString();
    }

    /** Returns one sentence per target: how many were met, and which were missed. */
    static String verdicts(Results results) {
        List<String> missed = new ArrayList<>();
        int met = 0;
        int all = 0;
        for (Target target : Target.all()) {
            all++;
            Optional<Boolean> v = target.check().met(results);
            if (v.orElse(false)) {
                met++;
            } else {
                missed.add(target.figure().label() + " (" + target.description() + ")"
                        + (v.isEmpty() ? " — not measured" : ""));
            }
        }
        return "Targets met: " + met + " of " + all + "."
                + (missed.isEmpty() ? "" : " Missed: " + String.join("; ", missed) + ".");
    }

    private static String cell(Results results, Figure f, Route r) {
        if (!f.routes().contains(r)) {
            return "n/a";
        }
        return results.summary(f, r)
                .map(s -> {
                    String median = number(f, s.median());
                    return s.runs() == 1 ? median : median + " (" + number(f, s.min()) + "–" + number(f, s.max()) + ")";
                })
                .orElse("—");
    }

    private static String ratio(Results results, Figure f, Route other) {
        if (!f.routes().contains(other) || !f.routes().contains(Route.PORTLESS)) {
            return "n/a";
        }
        return Target.ratio(results, f, other)
                .map(x -> String.format(Locale.ROOT, x >= 10 ? "%.0f×" : "%.2f×", x))
                .orElse("—");
    }

    private static String verdict(Target target, Results results) {
        return target.check()
                .met(results)
                .map(met -> met ? "met" : "**MISSED**")
                .orElse("not measured");
    }

    static String number(Figure f, double v) {
        return String.format(Locale.ROOT, f.format(), v);
    }
}
