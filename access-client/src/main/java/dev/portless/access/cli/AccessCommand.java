package dev.portless.access.cli;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.AccessException;
import dev.portless.common.config.ConfigException;
import dev.portless.common.env.Environment;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code access} command.
 */
@Command(
        name = "access",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Reach private TCP services through a Portless edge.",
        subcommands = {
            LoginCommand.class,
            TcpCommand.class,
            SocksCommand.class,
            CurlCommand.class,
            ForwardCommand.class,
            SshCommand.class,
            TokenCommand.class,
            LogoutCommand.class,
            StatusCommand.class,
            DoctorCommand.class,
            SshGenCommand.class,
            SshConfigCommand.class
        })
public final class AccessCommand {
    private final Map<String, String> env;

    /** Returns the command for this process's environment; picocli's man page and completion tools make it so. */
    private AccessCommand() {
        this(Environment.system());
    }

    private AccessCommand(Map<String, String> env) {
        this.env = env;
    }

    /** Returns a command line for this process's environment whose errors print as one sentence on stderr. */
    public static CommandLine commandLine() {
        return commandLine(Environment.system());
    }

    /**
     * Returns a command line that reads {@code env} instead of the process's environment; a variable set
     * to the empty string is unset.
     */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = new CommandLine(new AccessCommand(Environment.withoutEmpty(requireNonNull(env, "env"))));
        // Everything after `access curl URL` is curl's, options included.
        cl.getSubcommands().get("curl").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof AccessException) {
                line.getErr().println("access: " + e.getMessage());
                return 1;
            }
            if (e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException
                    || e instanceof ConfigException) {
                line.getErr().println("access: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    /** Returns the environment the subcommands read. */
    Map<String, String> env() {
        return env;
    }
}
