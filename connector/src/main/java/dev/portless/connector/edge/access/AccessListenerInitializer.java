package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.mux.ConnectionErrorLog;
import dev.portless.common.mux.Http2Keepalive;
import dev.portless.common.mux.Http2Windows;
import dev.portless.common.mux.MultiplexedHttp2;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.listener.TlsListenerHead;
import dev.portless.connector.edge.streams.OpenStreams;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of a client connection: TLS, then by ALPN either HTTP/1.1, where
 * {@link ClientRequestDispatcher} decides on each request's head what it is (a web-app request,
 * a WebSocket stream or one of the edge's pages), a browser's {@code h2} connection whose every
 * stream is decided the same way ({@link BrowserHttp2}), or a multiplexed {@code portless-h2}
 * connection whose every stream is a {@code CONNECT} to an app, for {@link ConnectStreamHandler}.
 */
public final class AccessListenerInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(AccessListenerInitializer.class);

    private final TlsListenerHead tls;
    private final EdgeLimits limits;
    private final ClientLimits clientLimits;
    private final StreamAdmission admission;
    private final ClientRequestHandler streams;
    private final ClientRequestHandler pages;
    private final OpenStreams open;

    /** Returns an initializer for the public listener; {@code tls} offers both ALPN protocols. */
    public AccessListenerInitializer(SslContext tls, StreamServices shared, EdgeLimits limits) {
        this(fixed(requireNonNull(tls, "tls")), shared, limits);
    }

    /**
     * Returns an initializer for the public listener whose connections each take the context {@code tls}
     * supplies then; each offers both ALPN protocols.
     */
    public AccessListenerInitializer(Supplier<SslContext> tls, StreamServices shared, EdgeLimits limits) {
        this.limits = requireNonNull(limits, "limits");
        this.tls = new TlsListenerHead(requireNonNull(tls, "tls"), limits.tlsHandshakeTimeout(), "Client");
        this.clientLimits = new ClientLimits(limits);
        this.admission = new StreamAdmission(shared, clientLimits);
        this.streams = new WebSocketStreamHandler(admission);
        this.pages = new WebPageHandler(shared.web());
        this.open = shared.streams();
    }

    private static Supplier<SslContext> fixed(SslContext tls) {
        return () -> tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        open.trackConnection(ch);
        ch.pipeline().addLast("connection-limit", new ConnectionLimit(clientLimits));
        tls.addTo(ch.pipeline());
        ch.pipeline()
                .addLast(
                        "request-timeout",
                        new ReadTimeoutHandler(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                    @Override
                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                        if (MultiplexedHttp2.ALPN.equals(protocol)) {
                            multiplexed(ctx);
                        } else if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                            browserHttp2(ctx);
                        } else {
                            http1(ctx);
                        }
                    }

                    @Override
                    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                        log.debug(
                                "TLS handshake with client {} failed: {}",
                                ctx.channel().remoteAddress(),
                                cause.toString());
                        ctx.close();
                    }
                });
    }

    private void http1(ChannelHandlerContext ctx) {
        // The dispatcher keeps the deadline for each request head from here on.
        ctx.pipeline().remove("request-timeout");
        http1(ctx.pipeline(), admission, streams, pages, limits);
    }

    /** Adds the HTTP/1.1 handlers of a client connection to {@code pipeline}, behind TLS. */
    static void http1(
            ChannelPipeline pipeline,
            StreamAdmission admission,
            ClientRequestHandler streams,
            ClientRequestHandler pages,
            EdgeLimits limits) {
        HeadBytesGuard bytesGuard = new HeadBytesGuard();
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxRequestHeaderBytes());
        pipeline.addLast("head-bytes", bytesGuard)
                .addLast("http", new HttpServerCodec(decoder))
                .addLast("dispatch", new ClientRequestDispatcher(admission, limits, bytesGuard::expectHead))
                .addLast("aggregator", new HttpObjectAggregator(limits.maxRequestBytes()))
                .addLast("requests", new AggregatedRequestHandler(streams, pages));
    }

    private void browserHttp2(ChannelHandlerContext ctx) {
        // Between requests the connection idles; the keepalive notices a dead browser instead.
        ctx.pipeline().remove("request-timeout");
        http2(ctx.pipeline(), admission, streams, pages, limits);
        Http2Windows.widenConnectionWindow(ctx.channel(), BrowserHttp2.CONNECTION_WINDOW);
    }

    /** Adds the handlers of a browser's {@code h2} connection to {@code pipeline}, behind TLS. */
    static void http2(
            ChannelPipeline pipeline,
            StreamAdmission admission,
            ClientRequestHandler streams,
            ClientRequestHandler pages,
            EdgeLimits limits) {
        pipeline.addLast("h2", BrowserHttp2.serverCodec(limits))
                .addLast("idle", Http2Keepalive.idleState())
                .addLast("keepalive", new Http2Keepalive("Browser connection"))
                .addLast("idle-close", new IdleBrowserConnectionClose(limits.browserIdleTimeout()))
                .addLast("streams", new Http2MultiplexHandler(BrowserHttp2.streams(admission, streams, pages, limits)))
                .addLast("errors", new ConnectionErrorLog("Browser connection"));
    }

    private void multiplexed(ChannelHandlerContext ctx) {
        // A multiplexed connection idles between streams; the keepalive notices a dead client instead.
        ctx.pipeline().remove("request-timeout");
        ctx.pipeline()
                .addLast("h2", MultiplexedHttp2.serverCodec())
                .addLast("windows", MultiplexedHttp2.windowGrowth())
                .addLast("idle", Http2Keepalive.idleState())
                .addLast("keepalive", new Http2Keepalive("Client connection"))
                .addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast("connect", new ConnectStreamHandler(admission));
                    }
                }))
                .addLast("errors", new ConnectionErrorLog("Client connection"));
        MultiplexedHttp2.widenConnectionWindow(ctx.channel());
    }
}
