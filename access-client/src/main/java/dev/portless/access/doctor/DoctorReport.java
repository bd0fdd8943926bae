package dev.portless.access.doctor;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps {@code access doctor} walked, up to and including the first failure, as a table for people or JSON
 * for scripts.
 *
 * @param target what was checked: the app, or the edge when no app was named
 * @param steps  the steps in order
 */
public record DoctorReport(String target, List<DoctorStep> steps) {

    /** Copies the steps. */
    public DoctorReport {
        requireNonNull(target, "target");
        steps = List.copyOf(requireNonNull(steps, "steps"));
    }

    /** Returns whether every step passed. */
    public boolean passed() {
        return steps.stream().allMatch(DoctorStep::passed);
    }

    /** Returns the table: a line per step, then the fix of the failed one. */
    public String table() {
        int width = steps.stream().mapToInt(s -> s.name().length()).max().orElse(4);
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-" + (width + 2) + "s%-6s%s%n", "STEP", "", "DETAIL"));
        for (DoctorStep step : steps) {
            out.append(String.format(
                    "%-" + (width + 2) + "s%-6s%s%n", step.name(), step.passed() ? "PASS" : "FAIL", step.detail()));
        }
        for (DoctorStep step : steps) {
            if (!step.passed()) {
                out.append(String.format("%nfix: %s%n", step.fix()));
            }
        }
        return out.toString();
    }

    /** Returns the report as one JSON object: {@code target}, {@code ok} and {@code steps}. */
    public String json() {
        List<Object> list = new ArrayList<>();
        for (DoctorStep step : steps) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", step.name());
            s.put("result", step.passed() ? "PASS" : "FAIL");
            s.put("detail", step.detail());
            if (!step.passed()) {
                s.put("fix", step.fix());
            }
            list.add(s);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("target", target);
        report.put("ok", passed());
        report.put("steps", list);
        return Json.write(report);
    }
}
