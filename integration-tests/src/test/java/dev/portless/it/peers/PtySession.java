package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An interactive program run in a pseudo-terminal by {@code script} (util-linux, Debian package
 * bsdutils): the test types lines into it and reads what the terminal shows, as a person at a
 * terminal would, e.g. {@code ssh -tt} to a shell.
 */
public final class PtySession implements AutoCloseable {
    private static final String SCRIPT = "/usr/bin/script";

    private final Process process;
    private final OutputStream keys;
    private final StringBuilder screen = new StringBuilder();

    private PtySession(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
    }

    /**
     * Returns {@code command} started in a pseudo-terminal with {@code env} added to this process's
     * environment. Skips the test (fails it on CI) if {@code script} is not installed.
     */
    public static PtySession start(List<String> command, Map<String, String> env) {
        requireNonNull(command, "command");
        requireNonNull(env, "env");
        Peers.require("script (Debian package bsdutils)", Peers.executable(SCRIPT));
        String shellLine = command.stream().map(PtySession::shellQuote).collect(Collectors.joining(" "));
        // -q: no banner; -f: flush each write; -e: exit with the command's status; /dev/null: no typescript file.
        ProcessBuilder builder =
                new ProcessBuilder(SCRIPT, "-q", "-f", "-e", "-c", shellLine, "/dev/null").redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            PtySession session = new PtySession(builder.start());
            Thread reader = new Thread(session::readScreen, "pty-" + session.process.pid());
            reader.setDaemon(true);
            reader.start();
            return session;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + shellLine + " in a pseudo-terminal", e);
        }
    }

    /** Types {@code line} and Enter. */
    public void type(String line) {
        try {
            keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            keys.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot type into the terminal (has the program exited?)" + this, e);
        }
    }

    /**
     * Returns the first match of {@code pattern} in what the terminal showed from character
     * {@code from} on, once it appears; fails after {@code timeout} or if the program exits first.
     */
    public MatchResult await(Pattern pattern, int from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            String shown = screen();
            Matcher m = pattern.matcher(shown);
            if (m.find(Math.min(from, shown.length()))) {
                return m.toMatchResult();
            }
            if (!alive || System.nanoTime() > deadline) {
                throw new AssertionError("the terminal did not show /" + pattern + "/ within " + timeout
                        + (alive ? "" : " (the program exited with " + process.exitValue() + ")") + this);
            }
            LockSupport.parkNanos(20_000_000);
        }
    }

    /** Returns how many characters the terminal has shown so far: an offset for {@link #await}. */
    public int shown() {
        synchronized (screen) {
            return screen.length();
        }
    }

    /** Returns everything the terminal showed. */
    public String screen() {
        synchronized (screen) {
            return screen.toString();
        }
    }

    /** Returns the pid of the one descendant whose command line contains {@code part}. */
    public long descendant(String part) {
        // ProcessHandle.Info may leave out a long command line (a JVM's class path): read it from /proc.
        List<ProcessHandle> found = process.descendants()
                .filter(p -> commandLine(p.pid()).contains(part))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " processes under the terminal run " + part + this);
        }
        return found.get(0).pid();
    }

    private static String commandLine(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            // The process has exited meanwhile.
            return "";
        }
    }

    /** Returns the program's exit status once it exits; fails after {@code timeout}. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the program in the terminal still runs after " + timeout + this);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the terminal's program", e);
        }
    }

    /** Kills the program and everything it started, if still running. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "\n--- terminal ---\n" + screen();
    }

    private void readScreen() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (screen) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // The program exited: the screen holds what it showed.
        }
    }

    private static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
