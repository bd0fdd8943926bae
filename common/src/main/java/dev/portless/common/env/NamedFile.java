package dev.portless.common.env;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A file and the flag or environment variable that named it, so that a failure to read it tells the
 * user which setting to fix: {@code PORTLESS_EDGE_CA=/x: cannot read the file: No such file or directory}.
 *
 * @param source the flag ({@code --edge-ca}) or variable ({@code PORTLESS_EDGE_CA}) that named the file
 * @param path the file as given
 */
public record NamedFile(String source, Path path) {
    /** Files named by a flag or variable are keys, certificates, secrets and small configs. */
    static final long MAX_BYTES = 1024 * 1024;

    /** Returns a file named by {@code source}. */
    public NamedFile {
        requireNonNull(source, "source");
        requireNonNull(path, "path");
    }

    /**
     * Returns the file named by the flag when it was given, else by the environment variable when it is
     * set and not empty, else nothing.
     */
    public static Optional<NamedFile> fromFlagOrVariable(
            String flag, Path flagValue, String variable, Map<String, String> env) {
        requireNonNull(flag, "flag");
        requireNonNull(variable, "variable");
        requireNonNull(env, "env");
        if (flagValue != null) {
            return Optional.of(new NamedFile(flag, flagValue));
        }
        String value = env.get(variable);
        return value == null || value.isEmpty()
                ? Optional.empty()
                : Optional.of(new NamedFile(variable, Path.of(value)));
    }

    /**
     * Returns the file's text (UTF-8), or throws an {@link IllegalArgumentException} whose message names
     * the source, the path and the reason.
     */
    public String readString() {
        try {
            if (Files.isDirectory(path)) {
                throw failure("cannot read the file: Is a directory");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw failure("the file is larger than 1 MiB (check that this is the right file)");
            }
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw failure("the file is not UTF-8 text (check that this is the right file)", e);
        } catch (NoSuchFileException e) {
            throw failure("cannot read the file: No such file or directory", e);
        } catch (AccessDeniedException e) {
            throw failure("cannot read the file: Permission denied", e);
        } catch (IOException e) {
            throw failure("cannot read the file: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the file's path once it is known to be readable text, for readers that take a path (a
     * configuration loader), so that a missing or unreadable file names its flag or variable.
     */
    public Path requireReadable() {
        readString();
        return path;
    }

    /** Returns an error about this file: {@code <source>=<path>: <problem>}. */
    public IllegalArgumentException failure(String problem) {
        return failure(problem, null);
    }

    private IllegalArgumentException failure(String problem, Throwable cause) {
        return new IllegalArgumentException(this + ": " + requireNonNull(problem, "problem"), cause);
    }

    /** Returns {@code <source>=<path>}, the way the user set it. */
    @Override
    public String toString() {
        return source + "=" + path;
    }
}
