package dev.portless.connector.cli;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.connector.secret.SecretHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code connector service-token}: service tokens for scripts and CI. */
@Command(
        name = "service-token",
        mixinStandardHelpOptions = true,
        description = "Manage service tokens.",
        subcommands = ServiceTokenCommand.Create.class)
final class ServiceTokenCommand {

    /** Returns {@code connector service-token create NAME --secret-file FILE}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create a service token: writes its secret to --secret-file (mode 0600),",
                "prints the client id on stdout and the edge.yml entry (secret hashed) on stderr."
            })
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "token name, used in apps' service-tokens lists")
        String name;

        @Option(
                names = "--secret-file",
                required = true,
                paramLabel = "FILE",
                description = "where to write the secret (created with mode 0600; must not exist)")
        Path secretFile;

        @Override
        public Integer call() throws IOException {
            String clientId = SecretHash.randomSecret(16) + ".access";
            String secret = SecretHash.randomSecret(32);
            writeSecret(secretFile, secret);
            spec.commandLine()
                    .getErr()
                    .println("Wrote the secret to " + secretFile
                            + " (mode 0600); it is shown nowhere else. Add this to the edge's edge.yml:\n"
                            + "service-tokens:\n"
                            + "  - name: " + name + "\n"
                            + "    client-id: " + clientId + "\n"
                            + "    secret-sha256: " + SecretHash.sha256Hex(secret) + "\n"
                            + "and list \"" + name + "\" under service-tokens of each app it may reach.");
            spec.commandLine().getOut().println(clientId);
            return 0;
        }

        static void writeSecret(Path file, String secret) throws IOException {
            if (Files.exists(file)) {
                throw new IllegalArgumentException(file + " already exists; pick another --secret-file");
            }
            OwnerOnlyFiles.createFile(file, (secret + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
