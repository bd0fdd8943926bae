package dev.portless.it.harness;

import static java.util.Objects.requireNonNull;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.RepositoryRoot;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@code access} installed by {@code scripts/install} into a scratch prefix, with its resident agent
 * running: a private runtime directory (0700, where the agent's endpoint lives), a config directory of its
 * own, and the environment that reaches a {@link PortlessStack}'s edge with the agent turned on.
 */
public final class InstalledAgent implements AutoCloseable {
    private static final Path ROOT = RepositoryRoot.get();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Path work;
    private final Path prefix;
    private final Path agentDir;
    private final Map<String, String> env;

    private InstalledAgent(Path work, Path prefix, Path agentDir, Map<String, String> env) {
        this.work = work;
        this.prefix = prefix;
        this.agentDir = agentDir;
        this.env = env;
    }

    /** Installs {@code access} in a new scratch directory named after {@code name} and starts its agent. */
    public static InstalledAgent start(String name, Map<String, String> accessEnv) throws IOException {
        requireNonNull(accessEnv, "accessEnv");
        Path work = Files.createTempDirectory(requireNonNull(name, "name"));
        try {
            return start(work, accessEnv);
        } catch (IOException | RuntimeException | Error e) {
            // The daemon may have started and failed its handshake later: stop whatever runs before giving up.
            try {
                if (Files.isExecutable(work.resolve("prefix/bin/access"))) {
                    new InstalledAgent(
                                    work,
                                    work.resolve("prefix"),
                                    work.resolve("run/portless"),
                                    agentEnv(work, accessEnv))
                            .close();
                }
                TempDirs.delete(work);
            } catch (RuntimeException | Error stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
    }

    private static InstalledAgent start(Path work, Map<String, String> accessEnv) throws IOException {
        Path prefix = work.resolve("prefix");
        Path runtime = work.resolve("run");
        Files.createDirectories(
                runtime, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Commands.run(
                        List.of(
                                ROOT.resolve("scripts/install").toString(),
                                "--prefix",
                                prefix.toString(),
                                "--no-build"),
                        TIMEOUT)
                .assertSuccess();
        Map<String, String> env = agentEnv(work, accessEnv);
        InstalledAgent agent = new InstalledAgent(work, prefix, runtime.resolve("portless"), env);
        Commands.run(List.of(agent.launcher(), "agent", "--daemon"), TIMEOUT, env)
                .assertSuccess();
        return agent;
    }

    private static Map<String, String> agentEnv(Path work, Map<String, String> accessEnv) {
        Map<String, String> env = new HashMap<>(accessEnv);
        env.put("XDG_RUNTIME_DIR", work.resolve("run").toString());
        env.put("PORTLESS_CONFIG_DIR", work.resolve("config").toString());
        // The suite runs with PORTLESS_AGENT=off (integration-tests/pom.xml); these tests are about the agent.
        env.put("PORTLESS_AGENT", "on");
        return env;
    }

    /** Returns the installed launcher, {@code bin/access}. */
    public String launcher() {
        return prefix.resolve("bin/access").toString();
    }

    /** Returns the environment of the user's shell: the stack's edge and credentials, the agent on. */
    public Map<String, String> env() {
        return env;
    }

    /** Returns the environment of a call that cannot start a JVM: only the agent can carry it. */
    public Map<String, String> withoutJava() {
        Map<String, String> e = new HashMap<>(env);
        e.put("JAVA_HOME", work.resolve("no-java").toString());
        return e;
    }

    /**
     * Returns an {@code access tcp} of {@code app} on {@code 127.0.0.1:port} that only this agent can carry, once
     * it listens.
     */
    public AgentForward forward(String app, int port) throws IOException, InterruptedException {
        return AgentForward.start(this, requireNonNull(app, "app"), port);
    }

    /** Returns the scratch directory, for the test's own files. */
    public Path work() {
        return work;
    }

    /** Returns the agent's directory (its pid file and log). */
    public Path agentDir() {
        return agentDir;
    }

    /**
     * Stops the agent: {@code access agent stop}, and SIGKILL to the process its pid file names if that has not
     * exited within {@link #STOP_GRACE} (a daemon is no child of the test's JVM, so nothing else would stop it).
     */
    @Override
    public void close() {
        Optional<ProcessHandle> daemon = daemon();
        try {
            Commands.run(List.of(launcher(), "agent", "stop"), TIMEOUT, env);
        } finally {
            daemon.ifPresent(InstalledAgent::awaitExitOrKill);
        }
    }

    private Optional<ProcessHandle> daemon() {
        try {
            return ProcessHandle.of(Long.parseLong(
                    Files.readString(agentDir.resolve("agent.pid")).trim()));
        } catch (IOException | NumberFormatException noAgent) {
            // No pid file (the agent never started) or one being written: no daemon to wait for.
            return Optional.empty();
        }
    }

    private static void awaitExitOrKill(ProcessHandle daemon) {
        try {
            daemon.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            daemon.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.destroyForcibly();
        }
    }
}
