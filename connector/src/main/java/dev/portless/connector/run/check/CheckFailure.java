package dev.portless.connector.run.check;

import static java.util.Objects.requireNonNull;

/**
 * A failed start-up check step: what kind of failure it is (which decides the exit status) and the
 * remedy printed beside it.
 *
 * @param status the exit status this failure calls for
 * @param remedy one sentence saying what to do
 */
public record CheckFailure(ExitStatus status, String remedy) {

    /** Validates the failure. */
    public CheckFailure {
        requireNonNull(status, "status");
        requireNonNull(remedy, "remedy");
        if (status == ExitStatus.OK) {
            throw new IllegalArgumentException("status: OK (expected: a failure status)");
        }
    }

    /** Returns a failure that may pass later without any change here (DNS, TCP, time-outs). */
    public static CheckFailure temporary(String remedy) {
        return new CheckFailure(ExitStatus.TEMPORARY, remedy);
    }

    /** Returns a failure that only a change of settings or files fixes. */
    public static CheckFailure config(String remedy) {
        return new CheckFailure(ExitStatus.CONFIG, remedy);
    }

    /** Returns a refusal of the tunnel credentials. */
    public static CheckFailure credentials(String remedy) {
        return new CheckFailure(ExitStatus.CREDENTIALS, remedy);
    }
}
