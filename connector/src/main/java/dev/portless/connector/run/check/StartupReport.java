package dev.portless.connector.run.check;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The start-up check of every configured edge: its PASS/FAIL table and the verdict on whether the
 * connector may start, and if not, with which exit status.
 */
public final class StartupReport {
    private static final String[] HEADER = {"EDGE", "CHECK", "RESULT", "DETAIL"};

    private final List<CheckRow> rows;

    /** Returns the report of {@code rows}, in the order they were checked. */
    public StartupReport(List<CheckRow> rows) {
        this.rows = List.copyOf(requireNonNull(rows, "rows"));
        if (this.rows.isEmpty()) {
            throw new IllegalArgumentException("rows: empty (expected: the rows of at least one edge)");
        }
    }

    /** Returns the rows in the order they were checked. */
    public List<CheckRow> rows() {
        return rows;
    }

    /**
     * Returns why the connector must not start, or empty when it may: any failure that no retry fixes
     * (credentials, certificate, protocol) stops it; failures that may pass later stop it only when no
     * edge passed every step, since the running connector keeps redialing the others.
     */
    public Optional<ExitStatus> refusal() {
        Optional<ExitStatus> permanent = rows.stream()
                .flatMap(r -> r.failure().stream())
                .map(CheckFailure::status)
                .filter(s -> !s.retryMayHelp())
                .findFirst();
        if (permanent.isPresent()) {
            return permanent;
        }
        Map<String, Boolean> edgePassed = new TreeMap<>();
        rows.forEach(r -> edgePassed.merge(r.edge(), r.passed(), Boolean::logicalAnd));
        return edgePassed.containsValue(true) ? Optional.empty() : Optional.of(ExitStatus.TEMPORARY);
    }

    /** Returns the table, one line per row, failed rows followed by an indented remedy line. */
    public String table() {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (CheckRow r : rows) {
            cells.add(new String[] {r.edge(), r.step().label(), r.passed() ? "PASS" : "FAIL", r.detail()});
        }
        int[] widths = new int[HEADER.length - 1];
        for (String[] line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            String[] line = cells.get(n);
            for (int i = 0; i < widths.length; i++) {
                out.append(line[i]).append(" ".repeat(widths[i] - line[i].length() + 2));
            }
            out.append(line[widths.length]).append('\n');
            if (n > 0) {
                rows.get(n - 1)
                        .failure()
                        .ifPresent(
                                f -> out.append("  remedy: ").append(f.remedy()).append('\n'));
            }
        }
        return out.toString();
    }
}
