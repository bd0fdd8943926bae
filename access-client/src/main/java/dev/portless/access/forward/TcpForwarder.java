package dev.portless.access.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.StreamDialer;
import dev.portless.common.net.Transport;
import dev.portless.common.resume.ResumableEnd;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * {@code access tcp}'s local listener: each accepted connection gets its own WebSocket
 * stream to the edge, on the same event loop, joined by a relay.
 */
public final class TcpForwarder implements AutoCloseable {
    private final Channel server;
    private final ChannelGroup accepted;

    private TcpForwarder(Channel server, ChannelGroup accepted) {
        this.server = server;
        this.accepted = accepted;
    }

    /**
     * Returns a forwarder listening on {@code local} whose streams end with their edge connection;
     * throws with a sentence when it cannot bind.
     */
    public static TcpForwarder start(
            EventLoopGroup group,
            Transport transport,
            InetSocketAddress local,
            StreamDialer dialer,
            String hostname,
            PrintStream err) {
        return start(group, transport, local, dialer, hostname, err, false);
    }

    /**
     * Returns a forwarder listening on {@code local}; with {@code resumable} each stream survives
     * breaks of its edge connection ({@code portless-resume.v1}). Throws with a sentence when it
     * cannot bind.
     */
    public static TcpForwarder start(
            EventLoopGroup group,
            Transport transport,
            InetSocketAddress local,
            StreamDialer dialer,
            String hostname,
            PrintStream err,
            boolean resumable) {
        return start(group, transport, local, dialer, hostname, err, resumable, port -> true, end -> {});
    }

    /**
     * Returns a forwarder as above that accepts only connections whose source port {@code fromPort}
     * allows, and hands each resumable stream's end to {@code joined} once it is joined.
     */
    static TcpForwarder start(
            EventLoopGroup group,
            Transport transport,
            InetSocketAddress local,
            StreamDialer dialer,
            String hostname,
            PrintStream err,
            boolean resumable,
            IntPredicate fromPort,
            Consumer<ResumableEnd> joined) {
        return listen(
                group,
                transport,
                local,
                new LocalConnectionInitializer(dialer, hostname, err, resumable, fromPort, joined),
                "--url");
    }

    /**
     * Returns a listener on {@code local} whose accepted connections, reads off and half-closure allowed, get
     * {@code connections}; throws with a sentence naming {@code option} when it cannot bind.
     */
    public static TcpForwarder listen(
            EventLoopGroup group,
            Transport transport,
            InetSocketAddress local,
            ChannelHandler connections,
            String option) {
        requireNonNull(connections, "connections");
        requireNonNull(option, "option");
        ChannelGroup accepted = new DefaultChannelGroup("accepted", GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                .group(requireNonNull(group, "group"))
                .channel(requireNonNull(transport, "transport").serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(connections);
                    }
                });
        try {
            return new TcpForwarder(
                    b.bind(requireNonNull(local, "local")).sync().channel(), accepted);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot listen on " + local.getHostString() + ":" + local.getPort() + ": " + e.getMessage()
                            + "; pick another " + option + " port",
                    e);
        }
    }

    /** Returns the bound address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Returns the listener channel. */
    public Channel channel() {
        return server;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    /**
     * Closes the listener and every connection it accepted, as the end of the process would: for a forward
     * that lives on in a process that outlives it (the agent's).
     */
    public void closeWithConnections() {
        server.close().addListener(f -> accepted.close());
    }
}
