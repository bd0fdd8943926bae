package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs short-lived external commands (ssh, scp, psql, ssh-keygen) to completion. Output goes to
 * files, not pipes: a command that writes more than a pipe buffer holds would otherwise block
 * while the test waits for it to exit.
 */
public final class Commands {

    private Commands() {}

    /** Returns the result of {@code command}, run with stdin at end of file. */
    public static ProcessResult run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of());
    }

    /** Returns the result of {@code command}, run with {@code env} added to this JVM's environment. */
    public static ProcessResult run(List<String> command, Duration timeout, Map<String, String> env) {
        return run(command, timeout, env, null);
    }

    /**
     * Returns the result of {@code command}, run with {@code env} added to this JVM's environment and
     * stdin read from {@code stdin} (end of file at once when {@code null}).
     *
     * @throws AssertionError if the command does not finish within {@code timeout}
     */
    public static ProcessResult run(List<String> command, Duration timeout, Map<String, String> env, Path stdin) {
        requireNonNull(env, "env");
        ProcessBuilder builder = new ProcessBuilder(requireNonNull(command, "command"));
        builder.environment().putAll(env);
        builder.redirectInput(stdin == null ? new File("/dev/null") : stdin.toFile());
        return run(builder, timeout);
    }

    /** Runs a prepared builder (working directory, user switch, ...); its output redirects are replaced. */
    static ProcessResult run(ProcessBuilder builder, Duration timeout) {
        requireNonNull(timeout, "timeout");
        Path dir = TempDirs.create("portless-cmd");
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                ProcessTermination.terminate(process);
                throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + timeout
                        + "\n--- stdout ---\n" + read(out) + "\n--- stderr ---\n" + read(err));
            }
            return new ProcessResult(builder.command(), process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", builder.command()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", builder.command()), e);
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Returns the file's text; malformed UTF-8 (a stream's raw bytes) is replaced rather than failing. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
