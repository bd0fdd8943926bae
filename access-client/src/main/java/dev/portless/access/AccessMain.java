package dev.portless.access;

import dev.portless.access.cli.AccessCommand;

/**
 * The entry point of the {@code access} program.
 */
public final class AccessMain {
    private AccessMain() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        quietLibraries();
        System.exit(AccessCommand.commandLine().execute(args));
    }

    /**
     * Sets slf4j-simple's level for the libraries before the first logger exists: the CLI speaks to
     * the user in its own sentences, and MINA's info lines (one per BouncyCastle provider it makes, on
     * every {@code ssh-gen} that ssh's {@code Match exec} runs) would land in the user's terminal.
     * {@code -D} flags still win.
     */
    private static void quietLibraries() {
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.sshd") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.sshd", "warn");
        }
    }
}
