package dev.portless.access.curl;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of the system's curl with credential headers for an app. The headers reach curl through a
 * header file ({@code -H @FILE}, curl 7.55 and later) in a directory only the user can open, never through
 * argv (which every local user can read in the process list); the directory is deleted when curl exits,
 * or when this process is stopped while curl runs.
 */
public final class CurlRun {
    private final String curl;
    private final Map<String, String> headers;
    private final Optional<Path> edgeCa;

    /**
     * Returns a run of {@code curl} (a command name on PATH or a path) sending {@code headers}, trusting
     * {@code edgeCa} for the edge's certificate when given (the user's own {@code --cacert} comes later
     * on the command line, so it wins).
     */
    public CurlRun(String curl, Map<String, String> headers, Optional<Path> edgeCa) {
        this.curl = requireNonNull(curl, "curl");
        this.headers = Map.copyOf(requireNonNull(headers, "headers"));
        this.edgeCa = requireNonNull(edgeCa, "edgeCa");
    }

    /**
     * Runs curl on {@code url} with {@code args} after it, with this process's stdin, stdout and stderr,
     * and returns curl's exit code.
     */
    public int run(String url, List<String> args) throws InterruptedException {
        requireNonNull(url, "url");
        requireNonNull(args, "args");
        Path dir = privateDirectory();
        Thread cleanup = new Thread(() -> delete(dir), "access-curl-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Path headerFile = writeHeaders(dir);
            List<String> command = new ArrayList<>();
            command.add(curl);
            edgeCa.ifPresent(ca -> {
                command.add("--cacert");
                command.add(ca.toString());
            });
            command.add("-H");
            command.add("@" + headerFile);
            command.add(url);
            command.addAll(args);
            Process process = start(command);
            return process.waitFor();
        } finally {
            delete(dir);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private Process start(List<String> command) {
        try {
            return new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run " + curl + " (" + e.getMessage() + "); install curl 7.55 or later, or set "
                            + CurlCommandLine.CURL_ENV + " to its path",
                    e);
        }
    }

    private Path writeHeaders(Path dir) {
        StringBuilder text = new StringBuilder();
        headers.forEach((name, value) -> {
            if (name.indexOf('\n') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("header " + name + " holds a line break (expected: one line)");
            }
            text.append(name).append(": ").append(value).append('\n');
        });
        Path file = dir.resolve("headers");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write curl's header file " + file + "; check the temp directory", e);
        }
        return file;
    }

    private static Path privateDirectory() {
        try {
            return Files.createTempDirectory(
                    "portless-curl",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a private temp directory for curl's headers; check java.io.tmpdir", e);
        }
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Already gone (the shutdown hook and the finally block race): nothing left to remove.
        }
    }
}
