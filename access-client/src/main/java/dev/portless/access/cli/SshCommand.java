package dev.portless.access.cli;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.forward.ResumableStdio;
import dev.portless.access.forward.StdioForwarder;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code access ssh}: one stream on stdin/stdout, for ssh's ProxyCommand. Nothing but
 * stream bytes goes to stdout; every diagnostic goes to stderr.
 */
@Command(
        name = "ssh",
        mixinStandardHelpOptions = true,
        description = {
            "Carry stdin/stdout to the app through the edge, for ssh's ProxyCommand:",
            "  ssh -o ProxyCommand='access ssh --hostname %%h' user@HOSTNAME"
        })
final class SshCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Option(
            names = {"--hostname", "-H"},
            required = true,
            paramLabel = "HOSTNAME",
            description = "the app's hostname")
    String hostname;

    @Mixin
    EdgeOptions edgeOptions = new EdgeOptions();

    @Mixin
    DestinationOption destinationOption = new DestinationOption();

    @Mixin
    ResumeOption resumeOption = new ResumeOption();

    @Mixin
    AgentOption agentOption = new AgentOption();

    @Override
    public Integer call() throws InterruptedException {
        agentOption.startForNextTime(parent.env(), spec.commandLine().getErr());
        Transport transport = Transport.best();
        StreamDialer dialer = destinationOption.apply(edgeOptions.dialer(
                hostname, transport, parent.env(), spec.commandLine().getErr()));
        EventLoopGroup group = transport.newGroup(1, "access");
        try {
            if (resumeOption.resumes(parent.env())) {
                try {
                    return ResumableStdio.run(
                            group,
                            transport,
                            dialer,
                            hostname,
                            new FileInputStream(FileDescriptor.in),
                            new FileOutputStream(FileDescriptor.out),
                            new PrintStream(new FileOutputStream(FileDescriptor.err), true));
                } catch (IOException e) {
                    spec.commandLine()
                            .getErr()
                            .println("access: could not start the local relay for " + hostname + ": " + e.getMessage()
                                    + "; set PORTLESS_RESUME=off to do without resume.");
                    return 1;
                }
            }
            Channel stream;
            try {
                stream = dialer.open(group.next(), hostname).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                spec.commandLine()
                        .getErr()
                        .println("access: "
                                + (cause instanceof AccessException ? cause.getMessage() : String.valueOf(cause)));
                return 1;
            }
            // ssh sends SIGHUP to its ProxyCommand as it exits, right after closing the pipes: let the
            // last bytes and the end of the stream cross (bounded) before the JVM halts.
            Channel open = stream;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> open.closeFuture().awaitUninterruptibly(AccessLimits.STDIO_DRAIN.toMillis()),
                            "access-drain"));
            // Raw descriptors: System.out would add its own buffering and System.in may be wrapped.
            String abort = new StdioForwarder(
                            stream, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out))
                    .run();
            if (abort != null) {
                spec.commandLine().getErr().println("access: the stream to " + hostname + " ended: " + abort);
                return 1;
            }
            return 0;
        } finally {
            group.shutdownGracefully();
        }
    }
}
