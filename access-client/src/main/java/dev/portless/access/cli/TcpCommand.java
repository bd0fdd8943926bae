package dev.portless.access.cli;

import dev.portless.access.edge.StreamDialer;
import dev.portless.access.forward.TcpForwarder;
import dev.portless.common.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code access tcp} (aliases {@code rdp}, {@code smb}): a local port forwarded to an app. */
@Command(
        name = "tcp",
        aliases = {"rdp", "smb"},
        mixinStandardHelpOptions = true,
        description = {
            "Listen on a local port and carry each connection to the app through the edge.",
            "Through the resident agent when one runs (see `access agent`): the listener lives as long as this command."
        })
final class TcpCommand implements Callable<Integer> {
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

    @Option(
            names = {"--url", "-u"},
            required = true,
            paramLabel = "HOST:PORT",
            description = "local address to listen on, e.g. localhost:5432")
    String url;

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
        InetSocketAddress local = parseListen(url);
        agentOption.startForNextTime(parent.env(), spec.commandLine().getErr());
        Transport transport = Transport.best();
        StreamDialer dialer = destinationOption.apply(edgeOptions.dialer(
                hostname, transport, parent.env(), spec.commandLine().getErr()));
        EventLoopGroup group = transport.newGroup(0, "access");
        try {
            TcpForwarder forwarder = TcpForwarder.start(
                    group, transport, local, dialer, hostname, System.err, resumeOption.resumes(parent.env()));
            spec.commandLine().getErr().println(listening(forwarder, hostname, dialer));
            Runtime.getRuntime().addShutdownHook(new Thread(forwarder::close, "access-shutdown"));
            forwarder.channel().closeFuture().await();
            return 0;
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Returns the line that says {@code forwarder} listens, the one scripts wait for. */
    static String listening(TcpForwarder forwarder, String hostname, StreamDialer dialer) {
        return "access: listening on " + forwarder.localAddress().getHostString() + ":"
                + forwarder.localAddress().getPort() + " for " + hostname + " through " + dialer.edge();
    }

    static InetSocketAddress parseListen(String text) {
        return parseListen(text, "--url");
    }

    /** Returns the address {@code text} names, with errors naming {@code option}. */
    static InetSocketAddress parseListen(String text, String option) {
        String t = text.startsWith("tcp://") ? text.substring(6) : text;
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException(
                    option + ": \"" + text + "\" (expected: HOST:PORT, e.g. localhost:5432)");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + ": port \"" + t.substring(colon + 1) + "\" is not a number (expected: 0..65535)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + ": port " + port + " (expected: 0..65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": the host \"" + host + "\" does not resolve");
        }
    }
}
