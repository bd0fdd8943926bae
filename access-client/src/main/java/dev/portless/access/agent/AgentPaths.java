package dev.portless.access.agent;

import static java.util.Objects.requireNonNull;

import dev.portless.access.token.ConfigDirectory;
import java.nio.file.Path;
import java.util.Map;

/**
 * The files of a user's agent, all in one directory only its owner may enter:
 * {@code $XDG_RUNTIME_DIR/portless} when that is set (a per-login tmpfs), else {@code agent/} in the
 * configuration directory. The launcher's front finds the agent by the same rule.
 *
 * @param directory the 0700 directory
 * @param socket    the unix socket the agent listens on
 * @param endpoint  the 0600 file naming the loopback port of the ssh fronts' fast path, and the agent's pid and
 *                  start time, so a front can tell that port is still this agent's
 * @param secret    the 0600 file of the secret a client sends first
 * @param pid       the agent's process id, so a front can tell a dead agent from an ended stream
 * @param lock      the file one agent at a time holds locked
 * @param log       where a daemon agent's output goes
 * @param starting  the mark of an agent being started, so that twenty cold calls at once start one
 */
public record AgentPaths(
        Path directory, Path socket, Path endpoint, Path secret, Path pid, Path lock, Path log, Path starting) {

    /** Returns the paths in {@code directory}. */
    public static AgentPaths in(Path directory) {
        requireNonNull(directory, "directory");
        return new AgentPaths(
                directory,
                directory.resolve("agent.sock"),
                directory.resolve("agent.endpoint"),
                directory.resolve("agent.secret"),
                directory.resolve("agent.pid"),
                directory.resolve("agent.lock"),
                directory.resolve("agent.log"),
                directory.resolve("agent.starting"));
    }

    /** Returns the paths for {@code env}: under {@code XDG_RUNTIME_DIR} when it is an absolute path, else the config directory. */
    public static AgentPaths resolve(Map<String, String> env) {
        requireNonNull(env, "env");
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute()) {
            return in(Path.of(runtime, "portless"));
        }
        return in(ConfigDirectory.resolve(env).resolve("agent"));
    }
}
