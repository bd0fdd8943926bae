package dev.portless.connector.cli;

import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code connector tunnel}: tunnel credentials. */
@Command(
        name = "tunnel",
        mixinStandardHelpOptions = true,
        description = "Manage tunnel credentials.",
        subcommands = TunnelCommand.Create.class)
final class TunnelCommand {

    /** Returns {@code connector tunnel create NAME}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create tunnel credentials: writes NAME.json (mode 0600) for `connector run`,",
                "prints the token for containers on stdout and the edge.yml entry on stderr."
            })
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "tunnel name")
        String name;

        @Option(names = "--credentials-file", paramLabel = "FILE", description = "where to write (default: NAME.json)")
        Path file;

        @Override
        public Integer call() throws IOException {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new IllegalArgumentException("tunnel name \"" + name
                        + "\" is not valid (expected: letters, digits, '.', '_' or '-', at most 63)");
            }
            Path target = file != null ? file : Path.of(name + ".json");
            if (Files.exists(target)) {
                throw new IllegalArgumentException(
                        target + " already exists; remove it or pick another --credentials-file");
            }
            TunnelCredentials credentials = TunnelCredentials.generate(name);
            credentials.writeTo(target);
            spec.commandLine()
                    .getErr()
                    .println("Wrote tunnel credentials to " + target
                            + " (mode 0600). Add this tunnel to the edge's edge.yml:\n"
                            + "tunnels:\n"
                            + "  - name: " + name + "\n"
                            + "    id: " + credentials.tunnelId() + "\n"
                            + "    secret-sha256: " + SecretHash.sha256Hex(credentials.secret()) + "\n"
                            + "The line on stdout is the same credentials as one token, for "
                            + RunCommand.TOKEN_ENV + ".");
            spec.commandLine().getOut().println(credentials.toToken());
            return 0;
        }
    }
}
