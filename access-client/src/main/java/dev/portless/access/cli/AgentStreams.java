package dev.portless.access.cli;

import dev.portless.access.agent.AgentLease;
import dev.portless.access.agent.AgentRequest;
import dev.portless.access.agent.AgentService;
import dev.portless.access.agent.AgentStream;
import dev.portless.access.agent.FrontTerminal;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.forward.TcpForwarder;
import dev.portless.access.resume.ResumingStream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The agent's service: reads a front's {@code access ssh} or {@code access tcp} arguments with the same
 * options as the command itself, in the front's environment, and opens the stream or the forward with the
 * agent's warm dialers.
 */
final class AgentStreams implements AgentService {
    private final AgentDialers streamDialers;
    private final AgentDialers forwardDialers;
    private final EventLoopGroup forwardGroup;
    private final Executor signIns = EdgeOptions.signInThreads();
    private final Instant started = Instant.now();
    private final Set<String> forwards = ConcurrentHashMap.newKeySet();
    private final ParsedOptions<SshCommand> sshOptions = new ParsedOptions<>(SshCommand::new);

    /**
     * Returns the service whose {@code access ssh} streams use {@code streamDialers} on the fronts' own loops,
     * and whose forwards listen on {@code forwardGroup} with {@code forwardDialers} of the same transport.
     */
    AgentStreams(AgentDialers streamDialers, AgentDialers forwardDialers, EventLoopGroup forwardGroup) {
        this.streamDialers = streamDialers;
        this.forwardDialers = forwardDialers;
        this.forwardGroup = forwardGroup;
    }

    @Override
    public CompletableFuture<AgentStream> open(AgentRequest request, FrontTerminal terminal, EventLoop loop) {
        // Reading the arguments may read files (a service token secret, the token cache): off the event
        // loop, which every front and edge connection of the agent shares, so one front never holds up the
        // others' handshakes and relays.
        return CompletableFuture.supplyAsync(() -> parsed(() -> sshDialer(request, terminal)), signIns)
                .thenCompose(target -> target.open(loop));
    }

    @Override
    public CompletableFuture<AgentLease> forward(AgentRequest request, FrontTerminal terminal) {
        // Off the event loop as above; binding the listener waits for the bind as well.
        return CompletableFuture.supplyAsync(() -> parsed(() -> listen(request, terminal)), signIns);
    }

    private Target sshDialer(AgentRequest request, FrontTerminal terminal) {
        if (!request.command().equals("ssh")) {
            throw new IllegalArgumentException("the agent carries `access ssh` streams and `access tcp` forwards"
                    + " only, not `access " + request.command() + "`");
        }
        // The ssh command alone: a model of every command would cost far more than the stream.
        SshCommand ssh =
                sshOptions.parse(request.args().subList(1, request.args().size()));
        return new Target(
                ssh.destinationOption.apply(ssh.edgeOptions.agentDialer(
                        ssh.hostname, request.env(), lines(terminal), terminal::open, streamDialers, signIns)),
                ssh.hostname,
                ssh.resumeOption.resumes(request.env()));
    }

    private AgentLease listen(AgentRequest request, FrontTerminal terminal) {
        TcpCommand tcp = new TcpCommand();
        new CommandLine(tcp).parseArgs(options(request));
        InetSocketAddress local = TcpCommand.parseListen(tcp.url);
        StreamDialer dialer = tcp.destinationOption.apply(tcp.edgeOptions.agentDialer(
                tcp.hostname, request.env(), lines(terminal), terminal::open, forwardDialers, signIns));
        TcpForwarder forwarder = TcpForwarder.start(
                forwardGroup,
                forwardDialers.transport(),
                local,
                dialer,
                tcp.hostname,
                new PrintStream(new FrontLines(terminal), true, StandardCharsets.UTF_8),
                tcp.resumeOption.resumes(request.env()));
        String listening = TcpCommand.listening(forwarder, tcp.hostname, dialer);
        terminal.say(listening);
        forwards.add(listening);
        return () -> {
            forwards.remove(listening);
            forwarder.closeWithConnections();
        };
    }

    private static String[] options(AgentRequest request) {
        return request.args().subList(1, request.args().size()).toArray(String[]::new);
    }

    private static PrintWriter lines(FrontTerminal terminal) {
        return new PrintWriter(new OutputStreamWriter(new FrontLines(terminal), StandardCharsets.UTF_8), true);
    }

    /** Returns what {@code parse} returns; its errors, each a sentence for the front, fail the future. */
    private static <T> T parsed(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (CommandLine.ParameterException | IllegalArgumentException | IllegalStateException e) {
            throw new CompletionException(e);
        } catch (RuntimeException e) {
            throw new CompletionException(new IllegalStateException(e.getMessage(), e));
        }
    }

    /** A front's dialer, the hostname it asks for, and whether its stream resumes as {@code access ssh}'s does. */
    private record Target(StreamDialer dialer, String hostname, boolean resumes) {
        CompletableFuture<AgentStream> open(EventLoop loop) {
            if (!resumes) {
                return dialer.open(loop, hostname).thenApply(AgentStream::relayed);
            }
            return dialer.open(loop, hostname, null, ResumingStream.newStreamHeaders())
                    .thenApply(carrier -> new AgentStream() {
                        @Override
                        public void join(Channel front) {
                            // Once the stream runs, the front's connection carries its bytes only: what the
                            // resume says (a break, a resume, an end) goes to the agent's log.
                            ResumingStream.join(front, carrier, dialer, hostname, System.err);
                        }

                        @Override
                        public void close() {
                            carrier.close();
                        }
                    });
        }
    }

    @Override
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("pid " + ProcessHandle.current().pid() + ", up since " + started);
        List<EdgeEndpoint> edges = new ArrayList<>(streamDialers.edges());
        forwardDialers.edges().stream().filter(e -> !edges.contains(e)).forEach(edges::add);
        for (EdgeEndpoint edge : edges) {
            lines.add("edge " + edge);
        }
        for (String forward : forwards) {
            lines.add("forward: " + forward.replaceFirst("^access: ", ""));
        }
        lines.add("heap used "
                + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1 << 20) + " MiB");
        return lines;
    }
}
