package dev.portless.access.cli;

import dev.portless.access.edge.StreamDialer;
import dev.portless.access.forward.TcpForwarder;
import dev.portless.access.socks.SocksServer;
import dev.portless.common.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code access socks}: a local SOCKS5 proxy whose connections reach what a bastion app allows. */
@Command(
        name = "socks",
        mixinStandardHelpOptions = true,
        description = {
            "Run a SOCKS5 proxy (no authentication, CONNECT only) whose every connection goes through a bastion"
                    + " app to the host and port the client asks for, if the connector's bastion rule allows it:",
            "  curl --socks5-hostname localhost:1080 http://db.internal:8080/"
        })
final class SocksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Option(
            names = {"--hostname", "-H"},
            required = true,
            paramLabel = "HOSTNAME",
            description = "the bastion app's hostname")
    String hostname;

    @Option(
            names = {"--listen", "-l"},
            defaultValue = "localhost:1080",
            paramLabel = "HOST:PORT",
            description = "local address to listen on (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(
            names = {"--allow-non-loopback"},
            description = "listen on a non-loopback address: anyone who reaches it uses your sign-in")
    boolean allowNonLoopback;

    @Mixin
    EdgeOptions edgeOptions = new EdgeOptions();

    @Override
    public Integer call() throws InterruptedException {
        InetSocketAddress local = TcpCommand.parseListen(listen, "--listen");
        if (!local.getAddress().isLoopbackAddress() && !allowNonLoopback) {
            throw new IllegalArgumentException("--listen: " + listen + " is not a loopback address, and the SOCKS "
                    + "proxy has no authentication (use localhost, or add --allow-non-loopback)");
        }
        Transport transport = Transport.best();
        StreamDialer dialer = edgeOptions.dialer(
                hostname, transport, parent.env(), spec.commandLine().getErr());
        EventLoopGroup group = transport.newGroup(0, "access");
        try {
            TcpForwarder server = SocksServer.start(group, transport, local, dialer, hostname, System.err);
            spec.commandLine()
                    .getErr()
                    .println("access: SOCKS5 proxy listening on "
                            + server.localAddress().getHostString() + ":"
                            + server.localAddress().getPort() + " for " + hostname + " through " + dialer.edge());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "access-shutdown"));
            server.channel().closeFuture().await();
            return 0;
        } finally {
            group.shutdownGracefully();
        }
    }
}
