package dev.portless.bench.echo;

import dev.portless.common.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/**
 * A TCP echo server for the probes: what a connection sends comes back, written as it is
 * read and flushed once per read burst. It must never be the slowest hop, so it runs on the native
 * transport with no copies and no per-connection state beyond the channel.
 */
public final class EchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;

    private EchoServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** Returns a server listening on {@code address} with {@code threads} event loops. */
    public static EchoServer start(InetSocketAddress address, int threads) {
        // The target is a peer, not Portless: the fastest transport there is, whatever Portless defaults to.
        Transport transport = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        EventLoopGroup group = transport.newGroup(threads, "echo");
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 8192)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(Echo.INSTANCE);
                        }
                    })
                    .bind(address)
                    .syncUninterruptibly()
                    .channel();
            return new EchoServer(group, ch);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Returns the address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Returns a future that completes when the listener closes. */
    public io.netty.channel.ChannelFuture closeFuture() {
        return server.closeFuture();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully();
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
