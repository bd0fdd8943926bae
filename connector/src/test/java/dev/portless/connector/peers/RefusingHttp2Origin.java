package dev.portless.connector.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/2 origin over TLS on a loopback port that refuses streams with {@code RST_STREAM REFUSED_STREAM}:
 * a path under {@code /once/} the first time it is asked for, a path under {@code /always/} every time.
 * Anything else, and a second try of a {@code /once/} path, answers 200 {@code ok}. {@link #attempts}
 * counts the streams each path came on, {@link #connections} the connections they came on.
 */
public final class RefusingHttp2Origin implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, Set<Channel>> connections = new ConcurrentHashMap<>();
    private final Channel server;

    /** Starts the origin with the certificate and key {@code DemoCertificates} wrote to {@code dir}. */
    public RefusingHttp2Origin(Path dir) throws Exception {
        SslContext tls = AlpnServerTls.offering(dir, ApplicationProtocolNames.HTTP_2);
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(tls.newHandler(ch.alloc()))
                                .addLast(Http2FrameCodecBuilder.forServer().build())
                                .addLast(new Http2MultiplexHandler(new Answer()));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    /** Returns the port it listens on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Returns how many streams asked for {@code path}. */
    public int attempts(String path) {
        AtomicInteger n = attempts.get(path);
        return n == null ? 0 : n.get();
    }

    /** Returns on how many different connections {@code path} was asked for. */
    public int connections(String path) {
        Set<Channel> on = connections.get(path);
        return on == null ? 0 : on.size();
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private final class Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof Http2HeadersFrame h)) {
                    return;
                }
                String path = h.headers().path().toString();
                int n = attempts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                connections
                        .computeIfAbsent(path, p -> ConcurrentHashMap.newKeySet())
                        .add(ctx.channel().parent());
                if (path.startsWith("/always/") || (path.startsWith("/once/") && n == 1)) {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                    return;
                }
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                ctx.writeAndFlush(
                        new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII), true));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
