package dev.portless.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runs scripts/bench recorded in results.tsv, one {@code figure path run value} line
 * per measurement, grouped by figure and route. Lines of figures the report does not show (helper
 * figures such as sample counts) are kept out.
 */
public final class Results {
    private final Map<Figure, Map<Route, List<Double>>> values = new EnumMap<>(Figure.class);

    private Results() {}

    /** Returns the results in {@code file}; a malformed line names its number. */
    public static Results read(Path file) throws IOException {
        Results r = new Results();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4) {
                throw new IllegalArgumentException(
                        file + ":" + (i + 1) + ": \"" + line + "\" (expected: figure<TAB>path<TAB>run<TAB>value)");
            }
            Figure figure = Figure.ofKey(f[0]);
            if (figure == null) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(f[3]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": value \"" + f[3] + "\" is not a number");
            }
            r.values
                    .computeIfAbsent(figure, k -> new EnumMap<>(Route.class))
                    .computeIfAbsent(Route.ofKey(f[1]), k -> new ArrayList<>())
                    .add(value);
        }
        return r;
    }

    /** Returns the summary of a figure on a path, or empty if no run measured it. */
    public Optional<Summary> summary(Figure figure, Route route) {
        List<Double> v = values.getOrDefault(figure, Map.of()).get(route);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(Summary.of(v));
    }

    /** Returns "figure on route" for every figure a route should have measured and did not. */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (Figure f : Figure.values()) {
            for (Route p : f.routes()) {
                if (summary(f, p).isEmpty()) {
                    missing.add(f.key() + " on " + p.key());
                }
            }
        }
        return missing;
    }
}
