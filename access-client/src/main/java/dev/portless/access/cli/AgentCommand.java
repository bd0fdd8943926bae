package dev.portless.access.cli;

import dev.portless.access.agent.AgentClient;
import dev.portless.access.agent.AgentLauncher;
import dev.portless.access.agent.AgentPaths;
import dev.portless.access.agent.AgentServer;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.config.Durations;
import dev.portless.common.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code access agent}: the resident process that keeps the JVM warm, the tokens and the edge
 * connections open, so that {@code access ssh} through the launcher starts no JVM.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Keep a warm access process with open edge connections for `access ssh` and `access tcp`.",
            "Runs in the foreground unless --daemon; exits after --idle without use, or on `access agent stop`."
        })
final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Option(names = "--daemon", description = "start the agent in the background and return once it answers")
    boolean daemon;

    @Option(
            names = "--idle",
            paramLabel = "DURATION",
            defaultValue = AccessLimits.AGENT_IDLE_EXIT,
            description = "exit after this long without a connection, e.g. 30m, 2h (default: ${DEFAULT-VALUE})")
    String idle;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Duration idleExit = idleExit();
        AgentPaths paths = AgentPaths.resolve(parent.env());
        PrintWriter err = spec.commandLine().getErr();
        if (daemon) {
            return startInBackground(paths, err);
        }
        // Epoll: the agent's unix socket needs it (see AgentServer), and the edge connections share its loops.
        Transport transport = Transport.EPOLL;
        EventLoopGroup group = transport.newGroup(0, "access-agent");
        // `access tcp` forwards listen on the transport of `access tcp` itself (NIO unless asked; see Transport):
        // their local connections may half-close. Netty starts a loop's thread on first use only.
        Transport forwardTransport = Transport.best();
        EventLoopGroup forwardGroup =
                forwardTransport == transport ? group : forwardTransport.newGroup(0, "access-agent-tcp");
        try {
            AgentServer server;
            try {
                server = AgentServer.start(
                        paths,
                        new AgentStreams(new AgentDialers(transport), new AgentDialers(forwardTransport), forwardGroup),
                        idleExit,
                        group);
            } catch (AgentServer.AgentRunningException e) {
                // This start was not needed: its mark must not hold back the start of a later one.
                java.nio.file.Files.deleteIfExists(paths.starting());
                err.println("access: " + e.getMessage());
                return 3;
            }
            err.println("access: agent (pid " + ProcessHandle.current().pid() + ") listening on " + paths.socket()
                    + "; it exits after " + Durations.format(idleExit) + " without use");
            err.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "access-agent-stop"));
            server.stopped().join();
            return 0;
        } finally {
            forwardGroup.shutdownGracefully();
            group.shutdownGracefully();
        }
    }

    private Duration idleExit() {
        try {
            Duration d = Durations.parse(idle);
            if (d.isZero()) {
                throw new IllegalArgumentException(idle + " (expected: more than 0)");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--idle: " + e.getMessage());
        }
    }

    private int startInBackground(AgentPaths paths, PrintWriter err) throws IOException, InterruptedException {
        AgentClient client = new AgentClient(paths, AccessLimits.AGENT_ANSWER_TIMEOUT);
        if (client.status().isPresent()) {
            err.println("access: an agent already runs (" + paths.socket() + ")");
            return 0;
        }
        Optional<Process> started = AgentLauncher.spawn(paths);
        if (started.isEmpty()) {
            err.println("access: cannot start an agent from this process; run `access agent` from the launcher");
            return 1;
        }
        Instant deadline = Instant.now().plus(AccessLimits.AGENT_START_WAIT);
        while (Instant.now().isBefore(deadline)) {
            Optional<List<String>> status = client.status();
            if (status.isPresent()) {
                err.println("access: agent started (" + paths.socket() + ")");
                return 0;
            }
            if (!started.get().isAlive() && started.get().exitValue() != 3) {
                break;
            }
            Thread.sleep(AccessLimits.SIGN_IN_LOCK_POLL.toMillis());
        }
        err.println("access: the agent did not start within " + AccessLimits.AGENT_START_WAIT.toSeconds() + " s; see "
                + paths.log());
        return 1;
    }

    /** {@code access agent status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether an agent runs.")
    int status() {
        AgentPaths paths = AgentPaths.resolve(parent.env());
        Optional<List<String>> lines = new AgentClient(paths, AccessLimits.AGENT_ANSWER_TIMEOUT).status();
        PrintWriter out = spec.commandLine().getOut();
        if (lines.isEmpty()) {
            out.println("Agent: not running (" + paths.socket() + ")");
            out.flush();
            return 1;
        }
        out.println("Agent: running on " + paths.socket());
        lines.get().forEach(l -> out.println("  " + l));
        out.flush();
        return 0;
    }

    /** {@code access agent stop}. */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the running agent.")
    int stop() throws IOException {
        AgentPaths paths = AgentPaths.resolve(parent.env());
        boolean was = new AgentClient(paths, AccessLimits.AGENT_ANSWER_TIMEOUT).stop();
        spec.commandLine().getErr().println(was ? "access: agent stopped" : "access: no agent was running");
        return 0;
    }
}
