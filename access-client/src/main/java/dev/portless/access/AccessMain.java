package dev.portless.access;

import dev.portless.access.cli.AccessCommand;

/**
 * Returns nothing: the entry point of the {@code access} program.
 */
public final class AccessMain {
    private AccessMain() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(AccessCommand.commandLine().execute(args));
    }
}
