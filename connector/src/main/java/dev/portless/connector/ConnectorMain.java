package dev.portless.connector;

import dev.portless.connector.cli.ConnectorCommand;

/**
 * The entry point of the {@code connector} program.
 */
public final class ConnectorMain {
    private ConnectorMain() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(ConnectorCommand.commandLine().execute(args));
    }
}
