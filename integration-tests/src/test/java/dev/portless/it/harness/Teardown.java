package dev.portless.it.harness;

import dev.portless.it.peers.JavaProcess;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The stop of what a harness started, in order: each part is stopped even when stopping one before it
 * failed, and the first failure is thrown afterwards with the others suppressed, so a failed test never leaves
 * processes holding ports and CPU for the rest of the suite.
 */
final class Teardown {
    private RuntimeException failure;

    /** Closes {@code part} (nothing when null), keeping any failure for {@link #finish()}. */
    void close(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            RuntimeException unchecked = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            if (failure == null) {
                failure = unchecked;
            } else {
                failure.addSuppressed(unchecked);
            }
        }
    }

    /** Throws the first failure of the parts closed, with the others suppressed; returns when there was none. */
    void finish() {
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Returns {@code process} once it printed a line matching {@code line}; when it exits first or the line does
     * not come within {@code timeout}, stops it and throws the wait's failure.
     */
    static JavaProcess awaitLine(JavaProcess process, Pattern line, Duration timeout) {
        try {
            process.awaitOutput(line, timeout);
            return process;
        } catch (RuntimeException | Error e) {
            stopAfter(e, process);
            throw e;
        }
    }

    /**
     * Runs {@code start}, the start of {@code harness}; when it fails, closes {@code harness} (the start's failure
     * keeps any failure of the close) and throws the start's failure.
     */
    static void startOrStop(AutoCloseable harness, Runnable start) {
        try {
            start.run();
        } catch (RuntimeException | Error e) {
            stopAfter(e, harness);
            throw e;
        }
    }

    /** Closes {@code harness} after its start failed with {@code startFailure}, which keeps any failure of the close. */
    private static void stopAfter(Throwable startFailure, AutoCloseable harness) {
        try {
            harness.close();
        } catch (Exception e) {
            startFailure.addSuppressed(e);
        }
    }
}
