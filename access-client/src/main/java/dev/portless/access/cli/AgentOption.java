package dev.portless.access.cli;

import dev.portless.access.agent.AgentClient;
import dev.portless.access.agent.AgentLauncher;
import dev.portless.access.agent.AgentPaths;
import dev.portless.access.limits.AccessLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --no-agent} option of the commands the launcher hands to the resident agent when one runs
 * ({@code access ssh}, {@code access tcp}), and the start of an agent for the next call when none does.
 */
final class AgentOption {
    /** Set to {@code off} to neither use nor start the agent. */
    static final String AGENT_ENV = "PORTLESS_AGENT";

    /** The launcher sets this; only a process it started can start an agent the same way. */
    private static final String LAUNCHER_ENV = "PORTLESS_LAUNCHER";

    @Option(names = "--no-agent", description = "neither use nor start the resident agent (env PORTLESS_AGENT=off)")
    boolean noAgent;

    /**
     * Starts an agent in the background when none answers and neither {@code --no-agent} nor
     * {@code PORTLESS_AGENT=off} says otherwise, so that the next call through the launcher needs no JVM; this
     * call goes on without waiting for it. Twenty at once start twenty, of which the first to lock the agent's
     * directory stays and the others exit.
     */
    void startForNextTime(Map<String, String> env, PrintWriter err) {
        if (noAgent || "off".equalsIgnoreCase(env.getOrDefault(AGENT_ENV, "on")) || env.get(LAUNCHER_ENV) == null) {
            return;
        }
        AgentPaths paths = AgentPaths.resolve(env);
        if (Files.exists(paths.socket())
                && new AgentClient(paths, AccessLimits.AGENT_ANSWER_TIMEOUT)
                        .status()
                        .isPresent()) {
            return;
        }
        try {
            AgentLauncher.spawnOnce(paths);
        } catch (IOException | RuntimeException e) {
            err.println("access: cannot start the agent (" + e.getMessage() + "); this and later calls run"
                    + " without it, see `access agent`.");
        }
    }
}
