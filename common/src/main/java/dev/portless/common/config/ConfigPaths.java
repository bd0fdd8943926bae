package dev.portless.common.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The paths a configuration file names: resolved against the file's own directory ({@code ~/} being the user's
 * home), and the checks of one that must be a readable file, each failure an error on the key's line.
 */
final class ConfigPaths {

    private ConfigPaths() {}

    /** Returns the directory the relative paths of the configuration file {@code file} resolve against. */
    static Path directoryOf(Path file) {
        final Path absolute = file.toAbsolutePath();
        return absolute.getParent() != null ? absolute.getParent() : absolute;
    }

    /** Returns {@code text}, the value of {@code key} in {@code node}, as a path resolved against its file's directory. */
    static Path resolve(ConfigNode node, String key, String text) {
        try {
            if (text.equals("~") || text.startsWith("~/")) {
                return Path.of(System.getProperty("user.home"))
                        .resolve(text.substring(1).replaceFirst("^/", ""));
            }
            return node.baseDir().resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw node.error(key, '"' + text + "\" is not a valid path: " + e.getReason());
        }
    }

    /** Returns {@code file}, the value of {@code key} in {@code node}, once it is known to be a readable regular file. */
    static Path requireReadableFile(ConfigNode node, String key, Path file) {
        if (!Files.exists(file)) {
            throw node.error(
                    key,
                    "file not found: " + file
                            + " (check the path; relative paths start at the configuration file's directory)");
        }
        if (!Files.isRegularFile(file)) {
            throw node.error(key, file + " is not a regular file (name a file, not a directory)");
        }
        if (!Files.isReadable(file)) {
            throw node.error(key, "cannot read " + file + " (make it readable by the user running Portless)");
        }
        return file;
    }
}
