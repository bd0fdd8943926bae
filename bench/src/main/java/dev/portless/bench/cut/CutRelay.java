package dev.portless.bench.cut;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback between {@code access} and the edge that can cut every connection it
 * carries at once, with a reset on both sides, as a network change does. Each accepted connection
 * dials the edge on its own event loop, and each side is read only while the other can take more.
 */
final class CutRelay implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Channel server;

    private CutRelay(InetSocketAddress listen, InetSocketAddress upstream) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel inbound) {
                        accepted.incrementAndGet();
                        open.add(inbound);
                        inbound.pipeline().addLast(new Dial(upstream));
                    }
                })
                .bind(listen)
                .sync()
                .channel();
    }

    /** Returns a relay listening on {@code listen} that forwards every connection to {@code upstream}. */
    static CutRelay start(InetSocketAddress listen, InetSocketAddress upstream) throws InterruptedException {
        return new CutRelay(listen, upstream);
    }

    /** Returns how many connections the relay has accepted. */
    int accepted() {
        return accepted.get();
    }

    /** Resets every open connection, both sides; new connections are still accepted. */
    void cutAll() {
        for (Channel c : open) {
            c.eventLoop().execute(() -> {
                if (c.isOpen()) {
                    c.config().setOption(ChannelOption.SO_LINGER, 0);
                    c.close();
                }
            });
        }
        open.clear();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        cutAll();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Dials the edge for one accepted connection, then joins the two. */
    private final class Dial extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress upstream;

        Dial(InetSocketAddress upstream) {
            this.upstream = upstream;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel inbound = ctx.channel();
            new Bootstrap()
                    .group(inbound.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new Pipe(inbound))
                    .connect(upstream)
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            inbound.close();
                            return;
                        }
                        open.add(f.channel());
                        inbound.pipeline().replace(this, "pipe", new Pipe(f.channel()));
                        inbound.read();
                        f.channel().read();
                    });
        }
    }

    /** Writes what one side reads to the other, reading again once the write went through. */
    private static final class Pipe extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Pipe(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (other.isActive()) {
                other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
