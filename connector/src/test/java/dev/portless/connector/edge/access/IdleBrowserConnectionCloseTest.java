package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser's h2 connection at the edge closes once it has carried no request for the idle time, and
 * stays open while a request is in progress, however long that takes.
 */
class IdleBrowserConnectionCloseTest {
    private static final Duration IDLE = Duration.ofMillis(400);

    private EventLoopGroup group;
    private Channel server;
    private Http2TestClient client;

    @BeforeEach
    void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forServer().build())
                                .addLast(new IdleBrowserConnectionClose(IDLE))
                                .addLast(new Http2MultiplexHandler(new AnswerAtEndOfRequest()));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        client = new Http2TestClient(group, (InetSocketAddress) server.localAddress());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aConnectionWithoutRequestsClosesAfterTheIdleTime() throws Exception {
        // The request ends at the edge no earlier than this, so the close may come no earlier than IDLE after.
        long sent = System.nanoTime();
        assertEquals(200, client.send(get()).status());

        assertTrue(client.channel().closeFuture().await(10, TimeUnit.SECONDS), "the idle connection was closed");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertTrue(millis >= IDLE.toMillis(), "closed " + millis + " ms after the request, before the idle time");
    }

    @Test
    void aRequestInProgressKeepsItOpen() throws Exception {
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(client.channel())
                .handler(new ChannelInboundHandlerAdapter())
                .open()
                .sync()
                .getNow();
        // Headers without END_STREAM: the request goes on (a long upload, a server-sent event stream).
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(get(), false)).sync();

        Thread.sleep(3 * IDLE.toMillis());
        assertTrue(client.channel().isActive(), "the connection closed under an open request");

        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers(), true))
                .sync();
        assertTrue(client.channel().closeFuture().await(10, TimeUnit.SECONDS), "idle once the request ended");
    }

    @Test
    void refusesAnIdleTimeThatIsNotPositive() {
        assertFalse(isAccepted(Duration.ZERO));
        assertFalse(isAccepted(Duration.ofSeconds(-1)));
    }

    private static boolean isAccepted(Duration idle) {
        try {
            new IdleBrowserConnectionClose(idle);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Http2Headers get() {
        return new DefaultHttp2Headers()
                .method("GET")
                .scheme("https")
                .authority("app.example.com")
                .path("/");
    }

    /** Answers 200 with no body once a stream's request has ended. */
    private static final class AnswerAtEndOfRequest extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2StreamFrame && isEnd(msg)) {
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static boolean isEnd(Object msg) {
            return msg instanceof Http2HeadersFrame h
                    ? h.isEndStream()
                    : msg instanceof io.netty.handler.codec.http2.Http2DataFrame d && d.isEndStream();
        }
    }
}
