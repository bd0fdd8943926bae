package dev.portless.it.harness;

import static java.util.Objects.requireNonNull;

import dev.portless.it.peers.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code access} installed by {@code scripts/install} into a scratch prefix, with its resident agent
 * running: a private runtime directory (0700, where the agent's endpoint lives), a config directory of its
 * own, and the environment that reaches a {@link PortlessStack}'s edge with the agent turned on.
 */
public final class InstalledAgent implements AutoCloseable {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

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
        Map<String, String> env = new HashMap<>(accessEnv);
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("PORTLESS_CONFIG_DIR", work.resolve("config").toString());
        // The suite runs with PORTLESS_AGENT=off (integration-tests/pom.xml); these tests are about the agent.
        env.put("PORTLESS_AGENT", "on");
        InstalledAgent agent = new InstalledAgent(work, prefix, runtime.resolve("portless"), env);
        Commands.run(List.of(agent.launcher(), "agent", "--daemon"), TIMEOUT, env)
                .assertSuccess();
        return agent;
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

    /** Stops the agent. */
    @Override
    public void close() {
        Commands.run(List.of(launcher(), "agent", "stop"), TIMEOUT, env);
    }
}
