package dev.portless.connector.demo;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The demo's text files, written atomically: secret ones owner-only (0600) from their creation, the others
 * readable by everyone.
 */
final class PrivateFiles {
    private PrivateFiles() {}

    static void write(Path file, String content, boolean secret) throws IOException {
        final byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (secret) {
            OwnerOnlyFiles.write(file, bytes);
        } else {
            OwnerOnlyFiles.writePublic(file, bytes);
        }
    }
}
