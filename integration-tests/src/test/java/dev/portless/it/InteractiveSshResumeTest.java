package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.FaultProxy;
import dev.portless.it.peers.PtySession;
import dev.portless.it.peers.Sshd;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A person's interactive shell through an unmodified OpenSSH client ({@code ssh -tt} in a
 * pseudo-terminal, {@code access ssh} as its ProxyCommand, asked to resume) keeps its state
 * when the laptop sleeps and its network connection breaks: {@code access} is stopped for 90 s
 * ({@code kill -STOP}, what a sleeping laptop looks like) while a fault proxy resets its connection to
 * the edge, then continued; and, separately, the connection is just cut. Each time the same shell
 * ({@code $$}) still has the variable set before, and the edge and the connector log the resume.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
// Mostly waiting: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class InteractiveSshResumeTest {
    private static final String APP = "ssh.portless.test";
    private static final String ACCESS_MAIN = "dev.portless.access.AccessMain";
    /** The figure for a laptop's sleep. */
    private static final Duration SLEEP = Duration.ofSeconds(90);

    private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern RESUMED = Pattern.compile("access: resumed the stream to " + Pattern.quote(APP));
    private static final Pattern CONNECTOR_DETACHED =
            Pattern.compile("stream=\\S+ app=" + Pattern.quote(APP) + " detached");
    private static final Pattern CONNECTOR_RESUMED =
            Pattern.compile("stream=\\S+ app=" + Pattern.quote(APP) + " resumed");
    private static final Pattern EDGE_RESUMED =
            Pattern.compile("stream=\\d+ app=" + Pattern.quote(APP) + " resumes stream \\S+");

    private Sshd sshd;
    private PortlessStack stack;
    private FaultProxy proxy;

    @BeforeAll
    void start() {
        sshd = Sshd.start(APP);
        stack = PortlessStack.builder()
                .app(APP, "ssh://127.0.0.1:" + sshd.port())
                .build()
                .start();
        proxy = FaultProxy.start(stack.edgePort());
    }

    @AfterAll
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aShellKeepsItsStateWhileAccessSleepsNinetySecondsAndItsConnectionIsCut() {
        try (PtySession ssh = PtySession.start(sshCommand(), Map.of())) {
            String shell = setVariable(ssh, "slept");
            long access = ssh.descendant(ACCESS_MAIN);
            int detachedBefore = count(CONNECTOR_DETACHED, stack.connector().stderr());
            int[] resumesBefore = resumesLogged();
            int shown = ssh.shown();

            long stoppedAt = System.nanoTime();
            signal("STOP", access);
            try {
                proxy.cutAll();
                // The edge and the connector see the carrier go while access cannot answer.
                awaitCount(
                        CONNECTOR_DETACHED,
                        detachedBefore + 1,
                        () -> stack.connector().stderr());
                sleepUntil(stoppedAt + SLEEP.toNanos());
            } finally {
                signal("CONT", access);
            }

            ssh.await(RESUMED, shown, LOG_TIMEOUT);
            assertShellKept(ssh, shell, "slept");
            assertResumeLogged(resumesBefore);
            exit(ssh);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aShellKeepsItsStateAcrossACutOfItsConnection() {
        try (PtySession ssh = PtySession.start(sshCommand(), Map.of())) {
            String shell = setVariable(ssh, "cut");
            int[] resumesBefore = resumesLogged();
            int shown = ssh.shown();

            proxy.cutAll();

            ssh.await(RESUMED, shown, LOG_TIMEOUT);
            assertShellKept(ssh, shell, "cut");
            assertResumeLogged(resumesBefore);
            exit(ssh);
        }
    }

    /**
     * Returns {@code ssh -tt} to a login shell through the fault proxy. ServerAliveInterval 0 (the
     * default, said here because it matters): ssh's own keepalives would end a session whose
     * ProxyCommand sleeps, whatever Portless does.
     */
    private List<String> sshCommand() {
        StringBuilder proxyCommand = new StringBuilder("env");
        Map<String, String> env = stack.accessEnv();
        env.put("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port());
        env.forEach((k, v) -> proxyCommand.append(' ').append(k).append('=').append(v));
        proxyCommand.append(' ').append(stack.accessLauncher()).append(" ssh --hostname %h");
        List<String> ssh = new ArrayList<>(sshd.sshArgs(proxyCommand.toString(), APP));
        // ssh keeps the first value it is given: with a ProxyCommand, ConnectTimeout bounds the wait for
        // the server's banner, so also the start of the access JVM on a loaded machine.
        ssh.addAll(
                1, List.of("-tt", "-o", "ServerAliveInterval=0", "-o", "ConnectTimeout=" + PROMPT_TIMEOUT.toSeconds()));
        return ssh;
    }

    /**
     * Sets {@code X=value} in the remote shell and returns the shell's pid. The markers are computed
     * ({@code $((6*7))}) so the terminal's echo of the typed line never matches what the shell printed.
     */
    private static String setVariable(PtySession ssh, String value) {
        int from = ssh.shown();
        ssh.type("X=" + value + "; echo \"shell=$$ set-$((6*7))\"");
        return ssh.await(Pattern.compile("shell=(\\d+) set-42"), from, PROMPT_TIMEOUT)
                .group(1);
    }

    private static void assertShellKept(PtySession ssh, String shell, String value) {
        int from = ssh.shown();
        ssh.type("echo \"shell=$$ x=$X after-$((7*7))\"");
        MatchResult after = ssh.await(Pattern.compile("shell=(\\d+) x=(\\S*) after-49"), from, PROMPT_TIMEOUT);
        assertEquals(shell, after.group(1), "the same shell answers" + ssh);
        assertEquals(value, after.group(2), "the variable set before the break" + ssh);
    }

    /** Returns how many resumes the connector and the edge have logged so far. */
    private int[] resumesLogged() {
        return new int[] {
            count(CONNECTOR_RESUMED, stack.connector().stderr()),
            count(EDGE_RESUMED, stack.edge().stderr())
        };
    }

    /**
     * The resumed carrier is a new stream at the edge that names the stream it resumes, and the
     * connector logs the resume: one more of each than {@code before}.
     */
    private void assertResumeLogged(int[] before) {
        awaitCount(CONNECTOR_RESUMED, before[0] + 1, () -> stack.connector().stderr());
        awaitCount(EDGE_RESUMED, before[1] + 1, () -> stack.edge().stderr());
    }

    private static void exit(PtySession ssh) {
        ssh.type("exit");
        assertEquals(0, ssh.waitFor(PROMPT_TIMEOUT), "ssh's exit status" + ssh);
    }

    private static void signal(String name, long pid) {
        Commands.run(List.of("kill", "-" + name, Long.toString(pid)), Duration.ofSeconds(10))
                .assertSuccess();
    }

    private void awaitCount(Pattern pattern, int atLeast, Supplier<String> log) {
        long deadline = System.nanoTime() + LOG_TIMEOUT.toNanos();
        while (count(pattern, log.get()) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + atLeast + " lines match /" + pattern + "/ within "
                        + LOG_TIMEOUT + diagnostics());
            }
            sleepUntil(System.nanoTime() + Duration.ofMillis(50).toNanos());
        }
    }

    private static int count(Pattern pattern, String text) {
        return (int) pattern.matcher(text).results().count();
    }

    private static void sleepUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted");
            }
        }
    }

    private String diagnostics() {
        return "\n--- edge ---\n" + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr() + "\n--- sshd ---\n" + sshd.log();
    }
}
