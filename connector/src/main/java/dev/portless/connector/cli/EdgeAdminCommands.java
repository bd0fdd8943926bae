package dev.portless.connector.cli;

import dev.portless.common.admin.AdminListener;
import dev.portless.connector.edge.EdgeServer;
import dev.portless.connector.edge.signout.AdministratorSignOut;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The edge's admin commands ({@code connector revoke}) and the secret file that guards them. */
final class EdgeAdminCommands {
    @Option(
            names = "--admin-secret-file",
            paramLabel = "FILE",
            description = "take admin commands (connector revoke) on the --admin listener, from this host only,"
                    + " with the secret in FILE (created 0600 with a new secret when missing); off by default")
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

    /** Has {@code listener}, when on, take the edge's admin commands, when a secret file was given. */
    void take(Optional<AdminListener> listener, EdgeServer edge) {
        if (secret != null) {
            listener.ifPresent(l -> l.command(AdministratorSignOut.PATH, secret, edge.signOutCommand()));
        }
    }
}
