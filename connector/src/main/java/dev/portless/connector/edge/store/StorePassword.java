package dev.portless.connector.edge.store;

import dev.portless.common.env.Environment;
import dev.portless.connector.edge.config.StoreSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The database password of the edge's store: from the file or the environment variable its settings name. */
final class StorePassword {
    private StorePassword() {}

    /**
     * Returns the password {@code settings} point at, or an empty one when they name none.
     *
     * @throws IllegalArgumentException when the file cannot be read or the variable is not set
     */
    static String read(StoreSettings settings) {
        if (settings.passwordFile().isPresent()) {
            Path file = settings.passwordFile().get();
            try {
                return Files.readString(file, StandardCharsets.UTF_8)
                        .lines()
                        .findFirst()
                        .orElse("")
                        .strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "store: cannot read the password file " + file + ": " + e.getMessage(), e);
            }
        }
        if (settings.passwordEnv().isPresent()) {
            String variable = settings.passwordEnv().get();
            return Environment.variable(variable)
                    .orElseThrow(() -> new IllegalArgumentException("store: the environment variable " + variable
                            + " named by password-env is not set (set it to the database password)"));
        }
        // No password: the database trusts this host or a client certificate (set in jdbc-url).
        return "";
    }
}
