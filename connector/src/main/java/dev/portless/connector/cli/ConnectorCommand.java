package dev.portless.connector.cli;

import dev.portless.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code connector} command: edge, run, serve, and the credential helpers.
 */
@Command(
        name = "connector",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Portless connector: the public edge, the private-side connector, or both.",
        subcommands = {
            EdgeCommand.class,
            RunCommand.class,
            ServeCommand.class,
            TunnelCommand.class,
            ServiceTokenCommand.class
        })
public final class ConnectorCommand {

    /** Returns a command line whose start-up errors print as one sentence and exit with 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ConnectorCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConfigException
                    || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                line.getErr().println("connector: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }
}
