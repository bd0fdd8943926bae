package dev.portless.access.forward;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import dev.portless.common.net.Transport;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.SocketStreamAdapter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns {@code access tcp}'s local listener: each accepted connection gets its own WebSocket
 * stream to the edge, on the same event loop, joined by a relay.
 */
public final class TcpForwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpForwarder.class);
    private final Channel server;

    private TcpForwarder(Channel server) {
        this.server = server;
    }

    /** Returns a forwarder listening on {@code local}; throws with a sentence when it cannot bind. */
    public static TcpForwarder start(EventLoopGroup group, Transport transport, InetSocketAddress local,
                                     StreamDialer dialer, String hostname, PrintStream err) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("stream", new SocketStreamAdapter())
                                .addLast("connect", new ConnectToEdge(dialer, hostname, err))
                                .addLast("hold", new InboundHold());
                    }
                });
        try {
            return new TcpForwarder(b.bind(local).sync().channel());
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + local.getHostString() + ":" + local.getPort()
                    + ": " + e.getMessage() + "; pick another --url port", e);
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

    /** Opens the edge stream when a local connection arrives, then steps aside for the relay. */
    private static final class ConnectToEdge extends ChannelInboundHandlerAdapter {
        private final StreamDialer dialer;
        private final String hostname;
        private final PrintStream err;

        ConnectToEdge(StreamDialer dialer, String hostname, PrintStream err) {
            this.dialer = dialer;
            this.hostname = hostname;
            this.err = err;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel local = ctx.channel();
            ctx.pipeline().remove(this);
            dialer.open(local.eventLoop(), hostname).whenComplete((edgeChannel, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    err.println("access: " + (cause instanceof AccessException ? cause.getMessage() : cause.toString()));
                    local.close();
                    return;
                }
                if (!local.isActive()) {
                    edgeChannel.close();
                    return;
                }
                RelayPair.join(local, "local", edgeChannel, "edge").done().thenAccept(r -> log.debug(
                        "connection {} for {}: {} bytes sent, {} received in {} ms, end: {}", local.remoteAddress(),
                        hostname, r.bytesFromFirst(), r.bytesFromSecond(), r.durationMillis(), r.endReason()));
            });
        }
    }
}
