package dev.portless.it.peers;

import java.util.List;

/**
 * What a finished command did: its exit code and everything it wrote.
 *
 * @param command the command line, for messages
 */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

    public ProcessResult {
        command = List.copyOf(command);
    }

    /** Returns this result if the command exited with 0, otherwise fails with its output in the message. */
    public ProcessResult assertSuccess() {
        if (exitCode != 0) {
            throw new AssertionError(this.toString());
        }
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " exited with " + exitCode + "\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
    }
}
