package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the project's programs (connector, access client, a test edge) running as a real child
 * JVM on the test's class path, the way a user would run it: own process, own signals, own stdio.
 * Its stdout and stderr go to files so a test can read them while it runs.
 */
public final class JavaProcess implements AutoCloseable {

    // C1 only and the serial collector, as in scripts/access: these JVMs live for seconds. The JVM's own output
    // (a thread dump on SIGQUIT) goes to stderr: stdout can be a program's data stream, as ssh's is.
    private static final List<String> JVM_OPTIONS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+DisplayVMOutputToStderr");

    private static final List<String> FORWARDER_JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-XX:+DisplayVMOutputToStderr");
    /**
     * A directory to record each started JVM's flight recording in (system property), for a profile of
     * where a benchmark's CPU goes: {@code scripts/long-distance --profile DIR}. Unset: no recording.
     */
    private static final String FLIGHT_RECORDINGS = "portless.it.flightRecordings";

    private static final AtomicInteger recordings = new AtomicInteger();

    private final String mainClass;
    private final Process process;
    private final Path dir;
    private final Path stdoutFile;
    private final Path stderrFile;

    private JavaProcess(String mainClass, Process process, Path dir) {
        this.mainClass = mainClass;
        this.process = process;
        this.dir = dir;
        this.stdoutFile = dir.resolve("stdout");
        this.stderrFile = dir.resolve("stderr");
    }

    /** Returns a started {@code mainClass} with {@code args}. */
    public static JavaProcess start(String mainClass, String... args) {
        return start(mainClass, List.of(args), Map.of());
    }

    /** Returns a started {@code mainClass} with {@code args} and {@code env} added to this JVM's environment. */
    public static JavaProcess start(String mainClass, List<String> args, Map<String, String> env) {
        return start(mainClass, JVM_OPTIONS, args, env);
    }

    /**
     * Returns a started {@code access tcp}-like forwarder {@code mainClass}: the serial collector with the
     * whole tiered JIT, as scripts/access runs {@code access tcp}, which forwards bulk data for hours; with C1
     * alone its copying would cost more CPU than users' forwarders spend.
     */
    public static JavaProcess startForwarder(String mainClass, List<String> args, Map<String, String> env) {
        return start(mainClass, FORWARDER_JVM_OPTIONS, args, env);
    }

    /**
     * Returns a started long-running server {@code mainClass}: the default JIT and collector, as
     * scripts/connector runs it, so throughput tests measure the real thing.
     */
    public static JavaProcess startServer(String mainClass, List<String> args, Map<String, String> env) {
        return start(mainClass, List.of(), args, env);
    }

    private static JavaProcess start(
            String mainClass, List<String> jvmOptions, List<String> args, Map<String, String> env) {
        requireNonNull(mainClass, "mainClass");
        requireNonNull(args, "args");
        requireNonNull(env, "env");
        Path dir = TempDirs.create("portless-java");
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        flightRecording(mainClass, args).ifPresent(command::add);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().putAll(env);
        try {
            return new JavaProcess(mainClass, builder.start(), dir);
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new UncheckedIOException("cannot start " + mainClass, e);
        }
    }

    /** Returns the option that records this JVM's flight, named by its program and role, when asked for. */
    private static Optional<String> flightRecording(String mainClass, List<String> args) {
        String dir = System.getProperty(FLIGHT_RECORDINGS, "");
        if (dir.isBlank()) {
            return Optional.empty();
        }
        String program = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        String role = args.isEmpty() ? "" : "-" + args.get(0);
        Path file = Path.of(dir).toAbsolutePath().resolve(program + role + "-" + recordings.incrementAndGet() + ".jfr");
        return Optional.of("-XX:StartFlightRecording=settings=profile,filename=" + file);
    }

    /**
     * Writes {@code dir/name}, an executable shell script that runs {@code mainClass} with its
     * arguments on the test's class path, and returns its path. OpenSSH gets it as a ProxyCommand
     * ({@code dir/access ssh --hostname %h}): the class path is too long for a readable command line.
     */
    public static Path writeLauncher(Path dir, String name, String mainClass) {
        requireNonNull(dir, "dir");
        requireNonNull(name, "name");
        requireNonNull(mainClass, "mainClass");
        Path script = dir.resolve(name);
        String text = "#!/bin/sh\nexec " + shellQuote(javaExecutable()) + " " + String.join(" ", JVM_OPTIONS) + " -cp "
                + shellQuote(classPath()) + " " + shellQuote(mainClass) + " \"$@\"\n";
        try {
            Files.writeString(script, text);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the launcher " + script, e);
        }
        return script;
    }

    /**
     * Returns the first complete line of stdout or stderr that {@code pattern} finds a match in,
     * waiting for it up to {@code timeout}.
     *
     * @throws AssertionError on timeout or if the process exits first, with its output in the message
     */
    public MatchResult awaitOutput(Pattern pattern, Duration timeout) {
        requireNonNull(pattern, "pattern");
        long deadline = System.nanoTime() + requireNonNull(timeout, "timeout").toNanos();
        while (true) {
            // Read liveness before output: a line written just before exit is then still seen.
            boolean alive = process.isAlive();
            MatchResult match = find(pattern, stdout(), !alive);
            if (match == null) {
                match = find(pattern, stderr(), !alive);
            }
            if (match != null) {
                return match;
            }
            if (!alive) {
                throw new AssertionError(mainClass + " exited with " + process.exitValue()
                        + " before printing a line matching /" + pattern + "/" + describeOutput());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        mainClass + " printed no line matching /" + pattern + "/ within " + timeout + describeOutput());
            }
            sleep(20);
        }
    }

    // A line still being written could match a prefix of what is coming ("port 80" of "port 8080").
    private static MatchResult find(Pattern pattern, String text, boolean includeLastPartialLine) {
        int end = includeLastPartialLine ? text.length() : text.lastIndexOf('\n') + 1;
        for (String line : text.substring(0, end).split("\n")) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher.toMatchResult();
            }
        }
        return null;
    }

    /** Returns everything the process wrote to stdout so far. */
    public String stdout() {
        return Commands.read(stdoutFile);
    }

    /** Returns how many bytes the process has written to stdout so far. */
    public long stdoutBytes() {
        return stdoutFile.toFile().length();
    }

    /** Returns everything the process wrote to stderr so far. */
    public String stderr() {
        return Commands.read(stderrFile);
    }

    /** Returns the operating system's process id. */
    public long pid() {
        return process.pid();
    }

    /** Sends SIGKILL: the process ends at once, as in a crash, with no shutdown hook run. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Sends SIGTERM: the process runs its shutdown hooks (a drain) and exits. */
    public void terminate() {
        process.destroy();
    }

    /** Returns whether the process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Returns the process's stdin, for programs that read their input from it. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * Returns the exit code once the process has exited.
     *
     * @throws AssertionError if it is still running after {@code timeout}
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(requireNonNull(timeout, "timeout").toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(mainClass + " still running after " + timeout + describeOutput());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + mainClass, e);
        }
        return process.exitValue();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its output files. */
    @Override
    public void close() {
        ProcessTermination.terminate(process);
        TempDirs.delete(dir);
    }

    private String describeOutput() {
        return "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // Surefire sets java.class.path to the full test class path even when it boots the test JVM
    // from a manifest-only jar, so the child sees the project's classes and their dependencies.
    private static String classPath() {
        return System.getProperty("java.class.path");
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for output", e);
        }
    }
}
