package dev.portless.connector.run.check;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One row of the start-up check table: one step against one edge, passed or failed with what to do.
 *
 * @param edge    the edge as configured, {@code host:port}
 * @param step    the step checked
 * @param failure the failure, empty when the step passed
 * @param detail  what was seen: the address, the TLS group, or the reason of the failure
 */
public record CheckRow(String edge, CheckStep step, Optional<CheckFailure> failure, String detail) {

    /** Validates the row. */
    public CheckRow {
        requireNonNull(edge, "edge");
        requireNonNull(step, "step");
        requireNonNull(failure, "failure");
        requireNonNull(detail, "detail");
    }

    /** Returns a passed row. */
    public static CheckRow pass(String edge, CheckStep step, String detail) {
        return new CheckRow(edge, step, Optional.empty(), detail);
    }

    /** Returns a failed row. */
    public static CheckRow fail(String edge, CheckStep step, CheckFailure failure, String detail) {
        return new CheckRow(edge, step, Optional.of(requireNonNull(failure, "failure")), detail);
    }

    /** Returns whether the step passed. */
    public boolean passed() {
        return failure.isEmpty();
    }
}
