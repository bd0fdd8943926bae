package dev.portless.connector.diag;

import java.time.Duration;

/** The sizes and time-outs of {@code connector diag}, in one place. */
final class DiagLimits {
    /** How much of the end of the log file goes into a bundle. */
    static final int LOG_TAIL_BYTES = 1 << 20;
    /** The largest settings file read. */
    static final int MAX_CONFIG_BYTES = 1 << 20;
    /** The largest metrics or thread dump kept. */
    static final int MAX_CAPTURE_BYTES = 4 << 20;
    /** How long connecting to the admin listener may take. */
    static final Duration ADMIN_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long the admin listener may take to answer. */
    static final Duration ADMIN_ANSWER_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@code jcmd} may take to dump the threads. */
    static final Duration THREAD_DUMP_TIMEOUT = Duration.ofSeconds(20);

    private DiagLimits() {}
}
