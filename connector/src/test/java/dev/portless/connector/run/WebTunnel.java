package dev.portless.connector.run;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.ingress.IngressRules;
import dev.portless.connector.origin.OriginProxy;
import dev.portless.connector.run.session.StreamSessions;
import dev.portless.connector.run.token.StreamTokenCheck;
import dev.portless.connector.token.AppTokenVerifier;
import dev.portless.connector.token.TestEdgeKeys;
import dev.portless.connector.token.TokenForge;
import dev.portless.connector.tunnel.TunnelHttp2;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connector's stream handling, wired as {@code connector run} wires it (gate, token check against a
 * JWKS, dialer, web proxy), behind one HTTP/2 tunnel connection on loopback whose other end this fixture
 * drives as the edge would: one stream per web request, with the contract's headers and a signed token.
 */
final class WebTunnel implements AutoCloseable {
    static final String ISSUER = "https://edge.example.com";
    static final String KID = "k1";
    static final ECKey KEY = TokenForge.newKey(KID);

    private final HttpServer jwks;
    private final EventLoopGroup group;
    private final OriginProxy proxy;
    private final Channel server;
    private final Channel edge;
    final StreamCounter streams = new StreamCounter();
    /** Flushes of the connector's tunnel connection that carried bytes: one TLS record each in a real tunnel. */
    final AtomicInteger tunnelFlushes = new AtomicInteger();

    WebTunnel(Path dir, String ingressYaml) throws Exception {
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keys = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/.well-known/jwks.json", x -> {
            x.sendResponseHeaders(200, keys.length);
            x.getResponseBody().write(keys);
            x.close();
        });
        jwks.start();
        URI jwksUrl = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json");
        StreamTokenCheck tokens = new StreamTokenCheck(
                new AppTokenVerifier(URI.create(ISSUER), Clock.systemUTC(), AppTokenVerifier.DEFAULT_SKEW),
                TestEdgeKeys.fetchingFrom(jwksUrl, HttpClient.newHttpClient(), Clock.systemUTC()));
        IngressRules ingress =
                IngressRules.from(ConfigNode.parse(dir.resolve("connector.yml").toString(), ingressYaml));
        group = Transport.NIO.newGroup(2, "web-tunnel");
        HostResolver names = HostResolver.withDaemonThreads("web-tunnel-resolver", 2);
        StreamGate gate = new StreamGate(streams, tokens);
        TargetDialer dialer = new TargetDialer(
                ingress,
                Transport.NIO,
                names,
                streams,
                gate,
                new ConnectorMetrics(
                        new io.prometheus.metrics.model.registry.PrometheusRegistry(), java.util.List.of()),
                new StreamSessions(Duration.ofSeconds(30), 1 << 20, 1 << 20));
        proxy = new OriginProxy(ingress, Transport.NIO, names, ConnectorLimits.ORIGIN, ConnectorLimits.ORIGIN_H2);
        StreamRoutes routes = new StreamRoutes(dialer, new WebStreams(ingress, gate, dialer, proxy, streams));
        server = new ServerBootstrap()
                .group(group)
                .channel(Transport.NIO.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FlushCount(tunnelFlushes));
                        ch.pipeline().addLast(TunnelHttp2.connectorCodec());
                        ch.pipeline()
                                .addLast(new Http2MultiplexHandler(
                                        new TunnelStreamInitializer(() -> null, () -> routes)));
                        // Once the codec is active, behind the registration that runs this.
                        ch.eventLoop().execute(() -> TunnelHttp2.widenConnectionWindow(ch));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        edge = new Bootstrap()
                .group(group)
                .channel(Transport.NIO.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(TunnelHttp2.edgeCodec());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(server.localAddress())
                .sync()
                .channel();
        TunnelHttp2.widenConnectionWindow(edge);
    }

    /** Returns an app token for {@code app}, signed by the edge's key, for alice@example.com. */
    static String token(String app) {
        return TokenForge.valid(ISSUER, app, KID).signedWith(KEY);
    }

    /** Returns the request headers the edge sends for a browser's request. */
    static Http2Headers request(String method, String app, String path, String kind) {
        return new DefaultHttp2Headers()
                .method(method)
                .scheme("https")
                .authority(app)
                .path(path)
                .set(TunnelProtocol.KIND, kind)
                .set(TunnelProtocol.IDENTITY, "alice@example.com")
                .set(TunnelProtocol.CLIENT_ADDRESS, "203.0.113.7")
                .set(TunnelProtocol.STREAM_ID, "s-" + System.nanoTime())
                .set(TunnelProtocol.APP_TOKEN, token(app));
    }

    /** Opens a stream, sends {@code headers} and {@code body} ({@code null}: none), and returns its exchange. */
    Exchange send(Http2Headers headers, Body body, boolean keepBody) throws InterruptedException {
        Exchange x = new Exchange(body, keepBody);
        Http2StreamChannel stream =
                new Http2StreamChannelBootstrap(edge).handler(x).open().sync().getNow();
        x.stream = stream;
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, body == null));
        if (body != null) {
            stream.eventLoop().execute(x::pump);
        }
        return x;
    }

    /** Opens a stream and sends {@code headers} without END_STREAM, as for a WebSocket; returns its exchange. */
    Exchange open(Http2Headers headers) throws InterruptedException {
        Exchange x = new Exchange(null, true);
        Http2StreamChannel stream =
                new Http2StreamChannelBootstrap(edge).handler(x).open().sync().getNow();
        x.stream = stream;
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        return x;
    }

    /** A request body of {@code size} pseudo-random bytes, made as it is sent; its SHA-256 at the end. */
    static final class Body {
        private final long size;
        private final MessageDigest sha = sha256();
        private long sent;
        private long seed = 0x9E3779B97F4A7C15L;

        Body(long size) {
            this.size = size;
        }

        ByteBuf next(int max) {
            int n = (int) Math.min(max, size - sent);
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i++) {
                seed ^= seed << 13;
                seed ^= seed >>> 7;
                seed ^= seed << 17;
                chunk[i] = (byte) seed;
            }
            sha.update(chunk);
            sent += n;
            return Unpooled.wrappedBuffer(chunk);
        }

        boolean done() {
            return sent >= size;
        }

        byte[] digest() {
            return sha.digest();
        }
    }

    /** One stream as the edge sees it: the answer, the body's length and SHA-256, the end. */
    static final class Exchange extends ChannelInboundHandlerAdapter {
        private final Body body;
        private final boolean keepBody;
        private final MessageDigest sha = sha256();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();
        final CompletableFuture<Http2Headers> end = new CompletableFuture<>();
        final List<Http2Headers> trailers = new ArrayList<>();
        Http2StreamChannel stream;

        Exchange(Body body, boolean keepBody) {
            this.body = body;
            this.keepBody = keepBody;
        }

        /** Writes body chunks while the stream is writable; runs on the stream's loop. */
        void pump() {
            while (!body.done() && stream.isWritable()) {
                ByteBuf chunk = body.next(16 * 1024);
                stream.write(new DefaultHttp2DataFrame(chunk, body.done()));
            }
            stream.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (body != null && ctx.channel().isWritable()) {
                pump();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (!headers.isDone()) {
                        headers.complete(h.headers());
                    } else {
                        trailers.add(h.headers());
                    }
                    if (h.isEndStream()) {
                        end.complete(headers.getNow(null));
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    ByteBuf c = d.content();
                    received.addAndGet(c.readableBytes());
                    byte[] bytes = new byte[c.readableBytes()];
                    c.readBytes(bytes);
                    sha.update(bytes);
                    if (keepBody) {
                        kept.writeBytes(bytes);
                    }
                    if (d.isEndStream()) {
                        end.complete(headers.getNow(null));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end.completeExceptionally(new IllegalStateException("the stream closed before its end"));
            headers.completeExceptionally(new IllegalStateException("the stream closed without an answer"));
        }

        /** Returns the answer's headers once the stream has ended. */
        Http2Headers await() throws Exception {
            try {
                return end.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the stream did not end within 60 s: answer " + headers.getNow(null)
                        + ", " + received.get() + " bytes received"
                        + (body == null ? "" : ", " + body.sent + " bytes sent"));
            }
        }

        String body() {
            return kept.toString(StandardCharsets.UTF_8);
        }

        byte[] digest() {
            return sha.digest();
        }

        /** Sends raw bytes on the stream (after an upgrade). */
        void sendRaw(byte[] bytes, boolean endStream) {
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), endStream));
        }

        byte[] keptBytes() {
            return kept.toByteArray();
        }
    }

    /** Counts the flushes that follow at least one write. */
    private static final class FlushCount extends ChannelOutboundHandlerAdapter {
        private final AtomicInteger count;
        private boolean written;

        FlushCount(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written = true;
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (written) {
                written = false;
                count.incrementAndGet();
            }
            ctx.flush();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        edge.close();
        server.close();
        proxy.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        jwks.stop(0);
    }
}
