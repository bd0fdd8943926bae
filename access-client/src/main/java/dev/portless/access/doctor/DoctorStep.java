package dev.portless.access.doctor;

import static java.util.Objects.requireNonNull;

/**
 * One step of {@code access doctor}'s walk: what was checked, whether it passed, what was found, and for a
 * failure what to do about it.
 *
 * @param name   the step, e.g. {@code tls}
 * @param passed whether the check passed
 * @param detail what was found, one sentence
 * @param fix    what to do, empty when the step passed
 */
public record DoctorStep(String name, boolean passed, String detail, String fix) {

    /** Checks the fields. */
    public DoctorStep {
        requireNonNull(name, "name");
        requireNonNull(detail, "detail");
        requireNonNull(fix, "fix");
    }

    /** Returns a passed step. */
    public static DoctorStep pass(String name, String detail) {
        return new DoctorStep(name, true, detail, "");
    }

    /** Returns a failed step. */
    public static DoctorStep fail(String name, String detail, String fix) {
        return new DoctorStep(name, false, detail, fix);
    }
}
