package dev.portless.connector.cli;

import dev.portless.common.admin.AdminCommand;
import dev.portless.common.admin.AdminListener;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The admin commands a program takes on its admin listener ({@code connector reload}, and {@code connector
 * revoke} at an edge) and the secret file that guards them; shared by {@code edge}, {@code run} and {@code serve}.
 */
final class AdminCommands {
    @Option(
            names = "--admin-secret-file",
            paramLabel = "FILE",
            description = "take admin commands (connector reload; connector revoke at an edge) on the --admin"
                    + " listener, from this host only, with the secret in FILE (created 0600 with a new secret"
                    + " when missing); off by default")
    Path secretFile;

    private String secret;

    /** Checks the option and reads (or creates) the secret before anything starts. */
    void check(AdminOptions admin) {
        if (secretFile == null) {
            return;
        }
        if (admin.admin == null) {
            throw new IllegalArgumentException(
                    "--admin-secret-file needs --admin HOST:PORT: admin commands are taken on the admin listener");
        }
        secret = AdminSecretFile.readOrCreate(secretFile);
    }

    /** Has {@code listener}, when on, take {@code commands} (path → command), when a secret file was given. */
    void take(Optional<AdminListener> listener, Map<String, AdminCommand> commands) {
        if (secret != null) {
            listener.ifPresent(l -> commands.forEach((path, command) -> l.command(path, secret, command)));
        }
    }
}
