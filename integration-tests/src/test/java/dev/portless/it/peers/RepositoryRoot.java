package dev.portless.it.peers;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's top directory, found from wherever the tests run: Maven runs them in the module's
 * directory, an IDE often in the repository's, so a path like {@code ../scripts} would hold for one only.
 */
public final class RepositoryRoot {

    private static final Path ROOT = find(Path.of("").toAbsolutePath());

    private RepositoryRoot() {}

    /** Returns the repository's top directory: the nearest one at or above the working directory with scripts/ and docs/. */
    public static Path get() {
        return ROOT;
    }

    /** Returns {@code relative} (like {@code scripts/bench}) resolved against the repository's top directory. */
    public static Path resolve(String relative) {
        return ROOT.resolve(relative);
    }

    private static Path find(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("scripts"))
                    && Files.isDirectory(dir.resolve("docs"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no repository (a directory with scripts/, docs/ and pom.xml) at or above " + start);
    }
}
