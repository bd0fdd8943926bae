package dev.portless.bridge.testing;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Runs the real OpenSSH tools for the bridge's tests: {@code ssh-keygen} makes the CA, user keys and
 * certificates exactly as an administrator would, and {@code ssh} connects. They are required: a bridge
 * test that skipped itself without OpenSSH would prove nothing.
 */
public final class OpenSsh {

    public static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";
    public static final String SSH = "/usr/bin/ssh";

    private OpenSsh() {}

    /** Returns the private key file of a new key of {@code type} ({@code ed25519}, {@code rsa}...) in {@code dir}. */
    public static Path keygen(Path dir, String name, String type, String... extra) {
        final Path key = dir.resolve(name);
        final List<String> command =
                new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString()));
        command.addAll(List.of(extra));
        run(command).assertSuccess();
        return key;
    }

    /**
     * Returns the certificate file {@code ssh-keygen -s ca OPTIONS pub} writes for a copy of {@code publicKey}
     * named {@code name}, so one key can carry several certificates. Times in options are UTC.
     */
    public static Path sign(Path ca, Path publicKey, String name, String... options) {
        final Path copy = publicKey.resolveSibling(name + ".pub");
        try {
            Files.copy(publicKey, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final List<String> command = new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-s", ca.toString()));
        command.addAll(List.of(options));
        command.add(copy.toString());
        run(command).assertSuccess();
        return publicKey.resolveSibling(name + "-cert.pub");
    }

    /** Returns the public key or certificate in an OpenSSH {@code .pub} file. */
    public static PublicKey publicKey(Path file) {
        try {
            final String line = Files.readString(file, StandardCharsets.UTF_8).strip();
            return PublicKeyEntry.parsePublicKeyEntry(line)
                    .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Returns the {@code .pub} file next to private key {@code key}. */
    public static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    /** Returns the result of {@code command}, stdin at end of file, in UTC, within 60 seconds. */
    public static Result run(List<String> command) {
        return run(command, null);
    }

    /** Returns the result of {@code command} with stdin read from {@code stdin} ({@code null}: end of file). */
    public static Result run(List<String> command, Path stdin) {
        requireNonNull(command, "command");
        if (!Files.isExecutable(Path.of(command.get(0)))) {
            throw new AssertionError(command.get(0) + " is not installed: install openssh-client "
                    + "(scripts/setup); the bridge tests need the real OpenSSH tools");
        }
        try {
            final Path out = Files.createTempFile("openssh", ".out");
            final Path err = Files.createTempFile("openssh", ".err");
            try {
                final ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectInput(stdin == null ? new File("/dev/null") : stdin.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                builder.environment().put("TZ", "UTC");
                final Process process = builder.start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
                }
                return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What a finished command did. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Returns this result if the exit code is 0, else fails with the output. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited with " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }
    }
}
