package dev.portless.bench.web;

import dev.portless.bench.report.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP route's lines of results.tsv ({@code figure route run value}), grouped by figure and
 * route. Lines of the byte-stream table share the file and are left out.
 */
final class WebResults {
    private final Map<WebFigure, Map<WebRoute, List<Double>>> values = new EnumMap<>(WebFigure.class);

    private WebResults() {}

    /** Returns the HTTP results in {@code file}; a malformed line names its number. */
    static WebResults read(Path file) throws IOException {
        WebResults r = new WebResults();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            WebFigure figure = f.length == 4 ? WebFigure.ofKey(f[0]) : null;
            WebRoute route = f.length == 4 ? WebRoute.ofKey(f[1]) : null;
            if (figure == null || route == null) {
                continue;
            }
            try {
                r.values
                        .computeIfAbsent(figure, k -> new EnumMap<>(WebRoute.class))
                        .computeIfAbsent(route, k -> new ArrayList<>())
                        .add(Double.parseDouble(f[3]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": value \"" + f[3] + "\" is not a number");
            }
        }
        return r;
    }

    Optional<Summary> summary(WebFigure figure, WebRoute route) {
        List<Double> v = values.getOrDefault(figure, Map.of()).get(route);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(Summary.of(v));
    }

    /** Returns Portless's median divided by the nginx proxy's, when both were measured. */
    Optional<Double> ratioToProxy(WebFigure figure) {
        Optional<Summary> p = summary(figure, WebRoute.PORTLESS);
        Optional<Summary> o = summary(figure, WebRoute.NGINX_PROXY);
        if (p.isEmpty() || o.isEmpty() || o.get().median() == 0) {
            return Optional.empty();
        }
        return Optional.of(p.get().median() / o.get().median());
    }

    /** Returns "figure on route" for every figure a route did not measure. */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (WebFigure f : WebFigure.values()) {
            for (WebRoute r : WebRoute.values()) {
                if (summary(f, r).isEmpty()) {
                    missing.add(f.key() + " on " + r.key());
                }
            }
        }
        return missing;
    }
}
