package dev.portless.access.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Returns the {@code access} command.
 */
@Command(name = "access", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Reach private TCP services through a Portless edge.",
        subcommands = {TcpCommand.class, SshCommand.class})
public final class AccessCommand {

    /** Returns a command line whose errors print as one sentence on stderr. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AccessCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                line.getErr().println("access: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }
}
