package dev.portless.access.testing;

import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A TLS WebSocket endpoint on 127.0.0.1 standing in for the edge's client listener: each
 * upgrade request is shown to a rule that either accepts it (101) or answers an HTTP error with the
 * edge's JSON body.
 */
public final class FakeEdge implements AutoCloseable {
    /** The edge's answer to one upgrade request: null to accept, else status and JSON body. */
    public record Refusal(int status, String json) {}

    private final EventLoopGroup group;
    private final Channel server;
    private final List<HttpHeaders> requests = new CopyOnWriteArrayList<>();

    private FakeEdge(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** Returns a started edge whose answers {@code rule} decides. */
    public static FakeEdge start(TestCertificates certificates, Function<HttpHeaders, Refusal> rule)
            throws InterruptedException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "fake-edge");
        SslContext tls = TlsContexts.server(certificates.chainPem(), certificates.keyPem(), "http/1.1");
        FakeEdge[] edge = new FakeEdge[1];
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        tls.newHandler(ch.alloc()),
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(8192),
                                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                                            @Override
                                            protected void channelRead0(
                                                    ChannelHandlerContext ctx, FullHttpRequest req) {
                                                edge[0].requests.add(
                                                        req.headers().copy());
                                                Refusal refusal = rule.apply(req.headers());
                                                if (refusal == null) {
                                                    new WebSocketServerHandshakerFactory(
                                                                    "wss://"
                                                                            + req.headers()
                                                                                    .get("Host") + "/",
                                                                    null,
                                                                    false)
                                                            .newHandshaker(req)
                                                            .handshake(ctx.channel(), req);
                                                    return;
                                                }
                                                FullHttpResponse r = new DefaultFullHttpResponse(
                                                        HttpVersion.HTTP_1_1,
                                                        HttpResponseStatus.valueOf(refusal.status()),
                                                        Unpooled.copiedBuffer(refusal.json(), StandardCharsets.UTF_8));
                                                r.headers()
                                                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                                        .set(
                                                                HttpHeaderNames.CONTENT_LENGTH,
                                                                r.content().readableBytes());
                                                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                                            }
                                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        edge[0] = new FakeEdge(group, server);
        return edge[0];
    }

    /** Returns the edge URL. */
    public String url() {
        return "https://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Returns the headers of every upgrade request, in order. */
    public List<HttpHeaders> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
