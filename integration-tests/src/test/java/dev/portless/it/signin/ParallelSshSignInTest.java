package dev.portless.it.signin;

import static dev.portless.it.peers.Chromium.awaitTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.InstalledAgent;
import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriver;

/**
 * One browser sign-in for many parallel ssh sessions, the way Ansible opens them: real {@code ssh}
 * processes whose ProxyCommand is the real {@code access ssh}, all sharing one config directory,
 * through the real edge and connector to a real sshd (authorized key, so only the Portless sign-in
 * is under test), the person signing in once in a real Chromium; the same twenty through the resident
 * agent's fronts. Then the holder of the sign-in lock dies (SIGKILL) and one of those waiting behind it
 * takes over at once.
 */
class ParallelSshSignInTest {
    private static final String APP = "ssh.portless.test";
    private static final int PARALLEL = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Twenty JVMs starting at once on two cores. */
    private static final Duration ALL_STARTED = Duration.ofMinutes(3);
    /** Far below the waiters' own bound (the 5 m sign-in timeout plus 30 s): a dead holder must not count. */
    private static final Duration TAKEOVER = Duration.ofSeconds(30);

    private static final String OPENING = "access: Opening your browser to sign in to " + APP + ".";
    private static final String WAITING = "access: Another sign-in to " + APP + " is in progress; waiting for it...";
    private static final Pattern TOKEN_ISSUED = Pattern.compile("\\btoken app=" + Pattern.quote(APP) + " identity=");
    private static final Pattern CODE_ISSUED =
            Pattern.compile("\\bauthorize app=" + Pattern.quote(APP) + " identity=\\S+ client=\\S+: code issued");

    private static Sshd sshd;
    private static SignInStack stack;
    private static Path dir;
    private static Path launcher;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("portless-parallel-ssh");
        // sshd's default MaxStartups (10:30:100) drops some of twenty unauthenticated connections at once.
        sshd = Sshd.start(List.of("MaxStartups 100"), APP);
        stack = SignInStack.builder()
                .app(APP, "include:\n  - email-domains: [example.com]\n", "", "tcp://127.0.0.1:" + sshd.port())
                .build()
                .start();
        launcher = JavaProcess.writeLauncher(dir, "access", "dev.portless.access.AccessMain");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        delete(dir);
    }

    @Test
    void twentyParallelSshSessionsOpenOneBrowserFlow() throws IOException {
        Path opened = dir.resolve("opened-by-twenty");
        twentyOpenOneBrowserFlow(launcher.toString(), accessEnv("twenty", opened), opened, "twenty");
    }

    /**
     * The same twenty through the installed launcher's agent path: every ProxyCommand a bash front of one
     * resident agent (their Java made unusable), whose sign-in speaks to each front's terminal and browser.
     */
    @Test
    void twentyThroughTheAgentOpenOneBrowserFlow() throws IOException {
        Path opened = dir.resolve("opened-by-agent");
        InstalledAgent agent = InstalledAgent.start(
                "portless-agent-sign-in", stack.accessEnv(Files.createDirectory(dir.resolve("config-agent"))));
        try {
            Map<String, String> env = new HashMap<>(agent.withoutJava());
            env.put("BROWSER", recordingBrowser("agent", opened).toString());
            twentyOpenOneBrowserFlow(agent.launcher(), env, opened, "agent");
        } finally {
            agent.close();
        }
    }

    private void twentyOpenOneBrowserFlow(String access, Map<String, String> env, Path opened, String name)
            throws IOException {
        long tokensBefore = count(TOKEN_ISSUED, stack.edge().stderr());
        long codesBefore = count(CODE_ISSUED, stack.edge().stderr());

        List<ProcessResult> results = new ArrayList<>();
        List<Ssh> sessions = new ArrayList<>();
        try {
            long started = System.nanoTime();
            for (int i = 0; i < PARALLEL; i++) {
                sessions.add(Ssh.start(sshCommand(access, i), env, dir.resolve(name + "-" + i)));
            }
            String url = awaitLines(opened, 1, ALL_STARTED, sessions).get(0);
            // Everyone but the one that opened the browser is queued behind it before the person signs in.
            awaitStderr(sessions, WAITING, PARALLEL - 1, ALL_STARTED, opened);
            System.out.printf(
                    "%d ssh at the sign-in lock after %d s%n",
                    PARALLEL, elapsed(started).toSeconds());

            signInInBrowser(url, "alice@example.com");
            for (Ssh s : sessions) {
                results.add(s.await(WAIT));
            }
            System.out.printf(
                    "%d ssh done after %d s%n", PARALLEL, elapsed(started).toSeconds());
        } finally {
            sessions.forEach(Ssh::close);
        }

        for (int i = 0; i < PARALLEL; i++) {
            ProcessResult r = results.get(i);
            assertEquals(0, r.exitCode(), r + diagnostics());
            assertEquals(Integer.toString(i), r.stdout().strip(), r.toString());
        }
        assertEquals(1, count(results, OPENING), "one ssh opened the browser:\n" + stderrs(results));
        assertEquals(PARALLEL - 1, count(results, WAITING), "the others waited for it:\n" + stderrs(results));
        assertEquals(1, count(results, "access: Signed in to " + APP + " as alice@example.com"), stderrs(results));
        assertEquals(1, Files.readAllLines(opened).size(), "$BROWSER ran once: " + Files.readAllLines(opened));
        assertEquals(
                1,
                count(CODE_ISSUED, stack.edge().stderr()) - codesBefore,
                stack.edge().stderr());
        assertEquals(
                1,
                count(TOKEN_ISSUED, stack.edge().stderr()) - tokensBefore,
                stack.edge().stderr());
    }

    @Test
    void whenTheSignInHolderDiesAWaiterSignsInForAll() throws IOException {
        Path opened = dir.resolve("opened-by-holder");
        Map<String, String> env = accessEnv("holder", opened);
        long tokensBefore = count(TOKEN_ISSUED, stack.edge().stderr());
        int waiters = 3;

        List<ProcessResult> results = new ArrayList<>();
        List<Ssh> sessions = new ArrayList<>();
        Duration takeover;
        Duration finished;
        try (JavaProcess holder = JavaProcess.start("dev.portless.access.AccessMain", List.of("login", APP), env)) {
            // The holder opened the browser and waits for a sign-in nobody will finish.
            holder.awaitOutput(Pattern.compile("Waiting for the sign-in in your browser"), WAIT);
            String abandoned = awaitLines(opened, 1, WAIT, List.of()).get(0);
            try {
                for (int i = 0; i < waiters; i++) {
                    sessions.add(Ssh.start(sshCommand(launcher.toString(), i), env, dir.resolve("holder-" + i)));
                }
                awaitStderr(sessions, WAITING, waiters, ALL_STARTED, opened);

                long killedAt = System.nanoTime();
                ProcessHandle.of(holder.pid()).ifPresent(ProcessHandle::destroyForcibly);
                assertEquals(128 + 9, holder.waitFor(WAIT), "killed by SIGKILL");
                List<String> urls = awaitLines(opened, 2, TAKEOVER, sessions);
                takeover = elapsed(killedAt);
                assertNotEquals(abandoned, urls.get(1), "a new sign-in, not the dead one's");

                signInInBrowser(urls.get(1), "bob@example.com");
                for (Ssh s : sessions) {
                    results.add(s.await(WAIT));
                }
                finished = elapsed(killedAt);
                System.out.printf(
                        "holder killed: a waiter opened the browser after %d ms, all done after %d s%n",
                        takeover.toMillis(), finished.toSeconds());
            } finally {
                sessions.forEach(Ssh::close);
            }
        }

        for (int i = 0; i < waiters; i++) {
            ProcessResult r = results.get(i);
            assertEquals(0, r.exitCode(), r + diagnostics());
            assertEquals(Integer.toString(i), r.stdout().strip(), r.toString());
        }
        assertEquals(1, count(results, OPENING), "one waiter took over the sign-in:\n" + stderrs(results));
        assertEquals(1, count(results, "access: Signed in to " + APP + " as bob@example.com"), stderrs(results));
        assertEquals(
                2,
                Files.readAllLines(opened).size(),
                "$BROWSER ran for the holder and for one waiter: " + Files.readAllLines(opened));
        assertEquals(
                1,
                count(TOKEN_ISSUED, stack.edge().stderr()) - tokensBefore,
                stack.edge().stderr());
        assertTrue(finished.compareTo(WAIT.plus(TAKEOVER)) < 0, "the waiters finished " + finished + " after the kill");
    }

    /** Returns the environment of a user's shell with a config directory of its own for {@code name}. */
    private static Map<String, String> accessEnv(String name, Path opened) throws IOException {
        Path config = Files.createDirectory(dir.resolve("config-" + name));
        Map<String, String> env = stack.accessEnv(config);
        env.put("BROWSER", recordingBrowser(name, opened).toString());
        return env;
    }

    /**
     * Returns a $BROWSER that appends the URL it is given (its last argument, no shell in between) as
     * one line to {@code opened} and exits: the test is the person at the browser.
     */
    private static Path recordingBrowser(String name, Path opened) throws IOException {
        Path script = dir.resolve("browser-" + name);
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + opened + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** Returns {@code ssh ... user@APP echo n}, going through {@code access ssh} of the launcher {@code access}. */
    private static List<String> sshCommand(String access, int n) {
        List<String> command = sshd.sshArgs(access + " ssh --hostname %h", APP);
        // With a ProxyCommand, ssh's ConnectTimeout bounds the wait for the server's banner, and so the
        // sign-in; ssh keeps the first value it is given.
        command.addAll(
                1, List.of("-o", "ConnectTimeout=" + ALL_STARTED.plus(WAIT).toSeconds()));
        command.addAll(List.of("echo", Integer.toString(n)));
        return command;
    }

    private static void signInInBrowser(String url, String email) {
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()))) {
            WebDriver browser = chromium.driver();
            stack.signInWithPin(browser, url, email);
            awaitTitle(browser, "Signed in — you can close this tab");
        }
    }

    /** Returns the first {@code lines} lines of {@code file} once it has them; fails early if an ssh exits. */
    private static List<String> awaitLines(Path file, int lines, Duration timeout, List<Ssh> sessions)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> got = Files.exists(file) ? Files.readAllLines(file) : List.of();
            if (got.size() >= lines) {
                return got.subList(0, lines);
            }
            sessions.stream().filter(s -> !s.process.isAlive()).findFirst().ifPresent(s -> {
                throw new AssertionError("an ssh exited before the sign-in: " + s.await(WAIT) + diagnostics());
            });
            if (System.nanoTime() > deadline) {
                throw new AssertionError("$BROWSER was opened " + got.size() + " time(s) within " + timeout
                        + ", expected " + lines + ":\n" + got + "\n" + stderrsOf(sessions) + diagnostics());
            }
            sleep(50);
        }
    }

    /**
     * Returns once at least {@code atLeast} of {@code sessions} have {@code line} on stderr; fails early
     * if an ssh exits or $BROWSER is opened a second time ({@code opened} has more than one line).
     */
    private static void awaitStderr(List<Ssh> sessions, String line, int atLeast, Duration timeout, Path opened)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sessions.stream().filter(s -> s.stderr().contains(line)).count() < atLeast) {
            sessions.stream().filter(s -> !s.process.isAlive()).findFirst().ifPresent(s -> {
                throw new AssertionError("an ssh exited before the sign-in: " + s.await(WAIT) + diagnostics());
            });
            List<String> urls = Files.readAllLines(opened);
            if (urls.size() > 1) {
                throw new AssertionError("$BROWSER was opened " + urls.size() + " times for one sign-in:\n"
                        + String.join("\n", urls) + "\n" + stderrsOf(sessions));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + atLeast + " ssh printed \"" + line + "\" within " + timeout
                        + ":\n" + stderrsOf(sessions) + diagnostics());
            }
            sleep(100);
        }
    }

    private static long count(List<ProcessResult> results, String line) {
        return results.stream().filter(r -> r.stderr().contains(line)).count();
    }

    private static long count(Pattern pattern, String log) {
        Matcher m = pattern.matcher(log);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String stderrs(List<ProcessResult> results) {
        return results.stream()
                .map(r -> "--- " + r.command().get(r.command().size() - 1) + " ---\n" + r.stderr())
                .collect(Collectors.joining("\n"));
    }

    private static String stderrsOf(List<Ssh> sessions) {
        return sessions.stream()
                .map(s -> "--- " + s.command.get(s.command.size() - 1) + " ---\n" + s.stderr())
                .collect(Collectors.joining("\n"));
    }

    private static String diagnostics() {
        return "\n--- edge ---\n" + stack.edge().stderr() + "\n--- sshd ---\n" + sshd.log();
    }

    private static Duration elapsed(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void delete(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One ssh started in the background, stdin at end of file, its output in files the test reads
     * while it runs (Commands runs a command to completion; these have to run side by side).
     */
    private static final class Ssh implements AutoCloseable {
        final List<String> command;
        final Process process;
        final Path stdout;
        final Path stderr;

        private Ssh(List<String> command, Process process, Path stdout, Path stderr) {
            this.command = command;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Ssh start(List<String> command, Map<String, String> env, Path dir) {
            try {
                Files.createDirectories(dir);
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectInput(new File("/dev/null"))
                        .redirectOutput(dir.resolve("stdout").toFile())
                        .redirectError(dir.resolve("stderr").toFile());
                builder.environment().putAll(env);
                return new Ssh(command, builder.start(), dir.resolve("stdout"), dir.resolve("stderr"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
            }
        }

        String stderr() {
            return read(stderr);
        }

        /** Returns what ssh did once it exited; fails if it is still running after {@code timeout}. */
        ProcessResult await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(String.join(" ", command) + " still running after " + timeout
                            + "\n--- stderr ---\n" + stderr() + diagnostics());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for ssh", e);
            }
            return new ProcessResult(command, process.exitValue(), read(stdout), read(stderr));
        }

        /** Kills ssh and its ProxyCommand, if still running. */
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }
}
