package dev.portless.connector.cli;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin secret that admin commands ({@code connector revoke}) must present: a file only its owner may read,
 * which the program creates with 32 random bytes (hex) when it does not exist, and the command reads. Never argv.
 */
final class AdminSecretFile {
    private static final int MAX_BYTES = 1024;

    private AdminSecretFile() {}

    /** Returns the secret in {@code file}, creating the file 0600 with a new secret when it does not exist. */
    static String readOrCreate(Path file) {
        try {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            OwnerOnlyFiles.createFile(
                    file, (HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (FileAlreadyExistsException e) {
            // Kept from an earlier start: commands keep working across restarts.
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--admin-secret-file " + file + ": cannot create it: " + e.getMessage(), e);
        }
        return read(file);
    }

    /** Returns the secret in {@code file}, which only its owner may read. */
    static String read(Path file) {
        try {
            String secret = new String(OwnerOnlyFiles.readPrivate(file, MAX_BYTES), StandardCharsets.UTF_8).strip();
            if (secret.length() < 32) {
                throw new IllegalArgumentException("--admin-secret-file " + file
                        + ": the secret is shorter than 32 characters; remove the file and restart the edge");
            }
            return secret;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "--admin-secret-file " + file
                            + ": no such file; pass the file the edge's --admin-secret-file names",
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException("--admin-secret-file " + file + ": " + e.getMessage(), e);
        }
    }
}
