package dev.portless.access.cli;

import dev.portless.access.agent.AgentRequest;
import dev.portless.access.agent.AgentService;
import dev.portless.access.agent.FrontTerminal;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.StreamDialer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import picocli.CommandLine;

/**
 * The agent's service: reads a front's {@code access ssh} arguments with the same options as the
 * command itself, in the front's environment, and opens the stream with the agent's warm dialers.
 */
final class AgentStreams implements AgentService {
    private final AgentDialers dialers;
    private final Executor signIns = EdgeOptions.signInThreads();
    private final Instant started = Instant.now();

    AgentStreams(AgentDialers dialers) {
        this.dialers = dialers;
    }

    @Override
    public CompletableFuture<Channel> open(AgentRequest request, FrontTerminal terminal, EventLoop loop) {
        // Reading the arguments may read files (a service token secret, the token cache): off the event
        // loop, which every front and edge connection of the agent shares, so one front never holds up the
        // others' handshakes and relays.
        return CompletableFuture.supplyAsync(() -> dialer(request, terminal), signIns)
                .thenCompose(target -> target.dialer().open(loop, target.hostname()));
    }

    private Target dialer(AgentRequest request, FrontTerminal terminal) {
        try {
            if (!request.command().equals("ssh")) {
                throw new IllegalArgumentException(
                        "the agent carries `access ssh` streams only, not `access " + request.command() + "`");
            }
            // The ssh command alone: a model of every command would cost far more than the stream.
            SshCommand ssh = new SshCommand();
            new CommandLine(ssh)
                    .parseArgs(request.args().subList(1, request.args().size()).toArray(String[]::new));
            PrintWriter err = new PrintWriter(new TerminalWriter(terminal), true);
            return new Target(
                    ssh.destinationOption.apply(ssh.edgeOptions.agentDialer(
                            ssh.hostname, request.env(), err, terminal::open, dialers, signIns)),
                    ssh.hostname);
        } catch (CommandLine.ParameterException | IllegalArgumentException | IllegalStateException e) {
            throw new CompletionException(e);
        } catch (RuntimeException e) {
            throw new CompletionException(new IllegalStateException(e.getMessage(), e));
        }
    }

    /** A front's dialer and the hostname it asks for. */
    private record Target(StreamDialer dialer, String hostname) {}

    @Override
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("pid " + ProcessHandle.current().pid() + ", up since " + started);
        for (EdgeEndpoint edge : dialers.edges()) {
            lines.add("edge " + edge);
        }
        lines.add("heap used "
                + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1 << 20) + " MiB");
        return lines;
    }

    /** Lines printed by the sign-in, each sent to the front's stderr as it ends. */
    private static final class TerminalWriter extends Writer {
        private final FrontTerminal terminal;
        private final StringBuilder line = new StringBuilder();

        TerminalWriter(FrontTerminal terminal) {
            this.terminal = terminal;
        }

        @Override
        public synchronized void write(char[] chars, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (chars[i] == '\n') {
                    terminal.say(line.toString());
                    line.setLength(0);
                } else if (chars[i] != '\r') {
                    line.append(chars[i]);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
