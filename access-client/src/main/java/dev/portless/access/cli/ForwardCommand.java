package dev.portless.access.cli;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.forward.Forward;
import dev.portless.access.forward.ForwardTable;
import dev.portless.access.forward.ForwardsFile;
import dev.portless.access.forward.TcpForwarder;
import dev.portless.common.env.NamedFile;
import dev.portless.common.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code access forward}: many local listeners in one process, each carrying its connections to one app,
 * with the sign-ins they need made one after another at start.
 */
@Command(
        name = "forward",
        mixinStandardHelpOptions = true,
        description = {
            "Listen on several local ports at once, each forwarded to an app through the edge.",
            "Signs in to each app that needs it, one after another, then prints what listens where."
        })
final class ForwardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "a forwards file, e.g. ~/.portless/forwards.yml, holding"
                    + " 'forwards:' with a 'hostname' and a 'listen' address (HOST:PORT) per item")
    Path config;

    @Option(
            names = "--forward",
            paramLabel = "HOSTNAME=HOST:PORT",
            description = "an app and the local address to listen on for it, e.g."
                    + " db.example.com=localhost:5432; repeat for more")
    List<String> forwardFlags = new ArrayList<>();

    @Mixin
    EdgeOptions edgeOptions = new EdgeOptions();

    @Mixin
    ResumeOption resumeOption = new ResumeOption();

    @Override
    public Integer call() throws InterruptedException {
        List<Forward> forwards = forwards();
        PrintWriter err = spec.commandLine().getErr();
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(0, "access");
        List<TcpForwarder> listening = new ArrayList<>();
        try {
            ForwardTable table = new ForwardTable();
            for (Forward forward : forwards) {
                start(forward, transport, group, err, table).ifPresent(listening::add);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(table.render());
            out.flush();
            if (listening.isEmpty()) {
                err.println("access: no forward is listening; the table above says why for each app");
                return 1;
            }
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> listening.forEach(TcpForwarder::close), "access-shutdown"));
            for (TcpForwarder forwarder : listening) {
                forwarder.channel().closeFuture().await();
            }
            return 0;
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Returns the started listener of {@code forward}, or empty when its app refused the sign-in or its
     * address cannot be bound; either way {@code table} gets its row.
     */
    private Optional<TcpForwarder> start(
            Forward forward, Transport transport, EventLoopGroup group, PrintWriter err, ForwardTable table)
            throws InterruptedException {
        String app = forward.hostname();
        InetSocketAddress local;
        try {
            local = new InetSocketAddress(
                    InetAddress.getByName(forward.listen().host()),
                    forward.listen().port());
        } catch (UnknownHostException e) {
            table.add(app, "-", "cannot listen: the host \"" + forward.listen().host() + "\" does not resolve");
            return Optional.empty();
        }
        StreamDialer dialer = edgeOptions.dialer(app, transport, parent.env(), err);
        try {
            dialer.signInNow();
        } catch (AccessException e) {
            err.println("access: " + app + ": " + e.getMessage());
            table.add(app, "-", "not signed in: " + e.getMessage());
            return Optional.empty();
        }
        try {
            TcpForwarder forwarder = TcpForwarder.start(
                    group, transport, local, dialer, app, System.err, resumeOption.resumes(parent.env()));
            InetSocketAddress bound = forwarder.localAddress();
            table.add(app, bound.getHostString() + ":" + bound.getPort(), "listening");
            return Optional.of(forwarder);
        } catch (IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            table.add(app, "-", "cannot listen on " + forward.listen() + ": " + cause.getMessage());
            return Optional.empty();
        }
    }

    private List<Forward> forwards() {
        List<Forward> forwards = new ArrayList<>();
        if (config != null) {
            NamedFile file = new NamedFile("--config", config);
            forwards.addAll(ForwardsFile.parse(config.toString(), file.readString()));
        }
        for (String flag : forwardFlags) {
            forwards.add(Forward.parseFlag(flag));
        }
        if (forwards.isEmpty()) {
            throw new IllegalArgumentException("nothing to forward: give --config FILE (e.g. ~/.portless/forwards.yml)"
                    + " or --forward HOSTNAME=HOST:PORT");
        }
        return forwards;
    }
}
