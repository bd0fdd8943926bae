package dev.portless.connector.run.check;

/**
 * The exit status of a {@code connector} process, chosen so a supervisor can tell whether starting it
 * again can help: the {@code sysexits.h} codes for a refused credential, a wrong configuration and a
 * temporary failure.
 */
public enum ExitStatus {
    /** Stopped as asked. */
    OK(0),
    /** Failed while running; starting again may help. */
    RUNTIME(1),
    /** The command line is wrong; starting again with the same arguments cannot help. */
    USAGE(2),
    /** Every edge was out of reach (DNS, TCP, time-out); starting again later may help. */
    TEMPORARY(75),
    /** An edge refused the tunnel credentials; only new credentials help. */
    CREDENTIALS(77),
    /** A setting or a file is wrong (including an edge certificate that does not match it); only a fix helps. */
    CONFIG(78);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    /** Returns the process exit code. */
    public int code() {
        return code;
    }

    /** Returns whether starting the process again, unchanged, can succeed. */
    public boolean retryMayHelp() {
        return this == RUNTIME || this == TEMPORARY;
    }
}
