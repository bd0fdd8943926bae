package dev.portless.bench.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTTP results as one markdown table: each figure's median per route with the spread of the runs,
 * Portless's ratio to the nginx proxy, the target and whether it was met.
 */
final class WebTable {
    private WebTable() {}

    static String render(WebResults results) {
        StringBuilder t = new StringBuilder();
        t.append("| HTTP through wrk (keep-alive connections) | nginx | nginx proxy | Portless | Portless ÷ nginx proxy"
                + " | Portless ÷ nginx | Target | Verdict |\n");
        t.append("|---|--:|--:|--:|--:|--:|---|---|\n");
        for (WebFigure f : WebFigure.values()) {
            t.append("| ").append(f.label());
            for (WebRoute r : WebRoute.values()) {
                t.append(" | ").append(cell(results, f, r));
            }
            t.append(" | ").append(results.ratioToProxy(f).map(WebTable::times).orElse("—"));
            t.append(" | ").append(ratioToNginx(results, f).map(WebTable::times).orElse("—"));
            t.append(" | ").append(f.hasTarget() ? f.target() : "");
            t.append(" | ").append(f.hasTarget() ? verdict(results, f) : "").append(" |\n");
        }
        return t.toString();
    }

    /** Returns one sentence: how many targets were met, and which were missed. */
    static String verdicts(WebResults results) {
        List<String> missed = new ArrayList<>();
        int met = 0;
        int all = 0;
        for (WebFigure f : WebFigure.values()) {
            if (!f.hasTarget()) {
                continue;
            }
            all++;
            Optional<Double> ratio = results.ratioToProxy(f);
            if (ratio.isPresent() && f.met(ratio.get())) {
                met++;
            } else {
                missed.add(f.label() + " (" + f.target() + ")" + (ratio.isEmpty() ? " — not measured" : ""));
            }
        }
        return "HTTP targets met: " + met + " of " + all + "."
                + (missed.isEmpty() ? "" : " Missed: " + String.join("; ", missed) + ".");
    }

    private static Optional<Double> ratioToNginx(WebResults results, WebFigure f) {
        return results.summary(f, WebRoute.PORTLESS)
                .flatMap(p -> results.summary(f, WebRoute.NGINX)
                        .filter(o -> o.median() != 0)
                        .map(o -> p.median() / o.median()));
    }

    private static String cell(WebResults results, WebFigure f, WebRoute r) {
        return results.summary(f, r)
                .map(s -> {
                    String median = number(f, s.median());
                    return s.runs() == 1 ? median : median + " (" + number(f, s.min()) + "–" + number(f, s.max()) + ")";
                })
                .orElse("—");
    }

    private static String verdict(WebResults results, WebFigure f) {
        return results.ratioToProxy(f).map(x -> f.met(x) ? "met" : "**MISSED**").orElse("not measured");
    }

    private static String times(double x) {
        return String.format(Locale.ROOT, x >= 10 ? "%.0f×" : "%.2f×", x);
    }

    private static String number(WebFigure f, double v) {
        return String.format(Locale.ROOT, f.format(), v);
    }
}
