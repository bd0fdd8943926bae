package dev.portless.connector.origin.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.AlpnServerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool against an in-process HTTP/2 origin that holds every stream open: it fills a connection up to
 * the origin's SETTINGS_MAX_CONCURRENT_STREAMS before it dials the next, and it falls back when ALPN
 * does not choose h2.
 */
class H2PoolTest {
    private static final H2Limits LIMITS = new H2Limits(1 << 20, 8 << 20, 16 << 10);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private EventLoopGroup group;
    private Path dir;
    private final AtomicInteger accepted = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        dir = Files.createTempDirectory("h2-pool");
        DemoCertificates.write(dir, List.of("localhost"), List.of());
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Starts an origin that speaks {@code protocols} and holds its streams; returns its port. */
    private int origin(long maxStreams, String... protocols) throws Exception {
        SslContext tls = AlpnServerTls.offering(dir, protocols);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        if (List.of(protocols).contains(ApplicationProtocolNames.HTTP_2)) {
                            ch.pipeline()
                                    .addLast(Http2FrameCodecBuilder.forServer()
                                            .initialSettings(Http2Settings.defaultSettings()
                                                    .maxConcurrentStreams(maxStreams))
                                            .build())
                                    .addLast(new Http2MultiplexHandler(new HoldStream()));
                        }
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private H2Pool pool(int port) throws Exception {
        SslContext client = SslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
        H2Pool.Dialer dialer = loop -> {
            Promise<Channel> ready = loop.newPromise();
            new Bootstrap()
                    .group(loop)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(client.newHandler(ch.alloc(), "localhost", port));
                        }
                    })
                    .connect("127.0.0.1", port)
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            ready.tryFailure(f.cause());
                            return;
                        }
                        Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                        ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                            if (h.isSuccess()) {
                                ready.trySuccess(ch);
                            } else {
                                ready.tryFailure(h.cause());
                            }
                        });
                    });
            return ready;
        };
        return new H2Pool("test origin", dialer, LIMITS, TIMEOUT, 10, Duration.ofSeconds(30));
    }

    /** Records what became of each request. */
    private static final class Outcomes implements H2Pool.Opening {
        final BlockingQueue<Object> results = new LinkedBlockingQueue<>();

        @Override
        public void opened(Http2StreamChannel stream) {
            // A stream counts at the origin once its HEADERS go out.
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers()
                            .method("GET")
                            .scheme("https")
                            .authority("localhost")
                            .path("/"),
                    true));
            results.add(stream);
        }

        @Override
        public void notHttp2(Channel connection) {
            results.add(connection == null ? "http/1.1, no connection" : connection);
        }

        @Override
        public void failed(Throwable cause) {
            results.add(cause);
        }
    }

    @Test
    void aConnectionTakesAsManyStreamsAsTheOriginAllowsBeforeTheNextIsDialed() throws Exception {
        H2Pool pool = pool(origin(2, ApplicationProtocolNames.HTTP_2));
        EventLoop loop = group.next();
        Outcomes outcomes = new Outcomes();
        for (int i = 0; i < 5; i++) {
            // One after another, as requests arrive: each waits for the one before to have its stream.
            loop.submit(() -> pool.open(loop, outcomes)).sync();
            Object r = outcomes.results.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(r instanceof Http2StreamChannel, "request " + i + ": " + r);
        }
        assertEquals(3, accepted.get(), "5 streams, 2 a connection");
        assertEquals(3, loop.submit(pool::connections).get());
        assertTrue(!pool.http1Only());
    }

    @Test
    void aRetriedRequestOpensTheFirstStreamOfANewConnectionThatThenJoinsThePool() throws Exception {
        H2Pool pool = pool(origin(100, ApplicationProtocolNames.HTTP_2));
        EventLoop loop = group.next();
        Outcomes outcomes = new Outcomes();
        loop.submit(() -> pool.open(loop, outcomes)).sync();
        Object shared = outcomes.results.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(shared instanceof Http2StreamChannel, "first try: " + shared);

        // The shared connection has room, but a retry never takes it.
        loop.submit(() -> pool.openOnNewConnection(loop, outcomes)).sync();
        Object alone = outcomes.results.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(alone instanceof Http2StreamChannel, "retry: " + alone);
        Http2StreamChannel retry = (Http2StreamChannel) alone;
        assertTrue(retry.parent() != ((Http2StreamChannel) shared).parent(), "a connection of its own");
        assertEquals(2, accepted.get());
        Http2StreamChannel first = (Http2StreamChannel) shared;
        assertEquals(
                loop.submit(() -> first.stream().id()).get(),
                loop.submit(() -> retry.stream().id()).get(),
                "the retry is its connection's first stream, as the first try was on the shared one");

        loop.submit(() -> pool.open(loop, outcomes)).sync();
        assertTrue(outcomes.results.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS) instanceof Http2StreamChannel);
        assertEquals(2, accepted.get(), "the new connection joined the pool: nothing more was dialed");
        assertEquals(2, loop.submit(pool::connections).get());
    }

    @Test
    void anOriginThatDoesNotChooseH2SendsItsRequestsToHttp11() throws Exception {
        H2Pool pool = pool(origin(100, ApplicationProtocolNames.HTTP_1_1));
        EventLoop loop = group.next();
        Outcomes outcomes = new Outcomes();
        loop.submit(() -> pool.open(loop, outcomes)).sync();
        Object first = outcomes.results.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(first instanceof Channel c && c.isActive(), "the dialed connection is handed over: " + first);
        assertTrue(pool.http1Only());
        loop.submit(() -> pool.open(loop, outcomes)).sync();
        assertEquals("http/1.1, no connection", outcomes.results.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, accepted.get());
        assertNull(outcomes.results.poll());
    }

    /** Holds each stream open without an answer, so it keeps counting against the limit. */
    private static final class HoldStream extends ChannelInboundHandlerAdapter {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
