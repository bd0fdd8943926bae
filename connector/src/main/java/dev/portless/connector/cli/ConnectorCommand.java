package dev.portless.connector.cli;

import dev.portless.common.config.ConfigException;
import dev.portless.connector.run.check.ExitStatus;
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
            ServiceTokenCommand.class,
            RevokeCommand.class,
            ReloadCommand.class,
            DiagCommand.class
        })
public final class ConnectorCommand {

    /**
     * Returns a command line whose start-up errors print as one sentence: a wrong setting or file exits
     * with {@link ExitStatus#CONFIG}, a wrong command line with {@link ExitStatus#USAGE}, anything else that
     * fails with {@link ExitStatus#RUNTIME}.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ConnectorCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                line.getErr().println("connector: " + e.getMessage());
                return ExitStatus.CONFIG.code();
            }
            if (e instanceof IllegalStateException) {
                line.getErr().println("connector: " + e.getMessage());
                return ExitStatus.RUNTIME.code();
            }
            throw e;
        });
        return cl;
    }
}
