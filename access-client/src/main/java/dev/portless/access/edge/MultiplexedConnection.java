package dev.portless.access.edge;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.mux.ConnectionErrorLog;
import dev.portless.common.mux.Http2Keepalive;
import dev.portless.common.mux.MultiplexedHttp2;
import dev.portless.common.wire.AccessHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One TLS connection to the edge whose streams are HTTP/2 {@code CONNECT}s to apps (see
 * {@link MultiplexedHttp2}), one at a time: a stream that ends leaves the connection ready for the
 * next local connection, so that one costs no TCP or TLS handshake.
 *
 * <p>One at a time, not many at once: streams sharing a TCP connection queue behind each other's
 * bytes in the socket's send buffer, so a bulk transfer would hold up an interactive session beside
 * it by milliseconds (enough to break iperf3's control connection in the benchmark). A connection
 * lives on one event loop, the one of the local connection it carries, so no byte crosses threads;
 * it is touched from that loop only, and closes itself after
 * its idle time without a stream ({@link AccessLimits#IDLE_CONNECTION_CLOSE}, longer in the agent).
 */
final class MultiplexedConnection {
    private final Channel channel;
    private final EdgeEndpoint edge;
    private final Duration idleTime;
    private final Consumer<MultiplexedConnection> onIdle;
    private int streams;
    private boolean goingAway;
    private ScheduledFuture<?> idleClose;

    private MultiplexedConnection(
            Channel channel, EdgeEndpoint edge, Duration idleTime, Consumer<MultiplexedConnection> onIdle) {
        this.idleTime = idleTime;
        this.channel = channel;
        this.edge = edge;
        this.onIdle = onIdle;
    }

    /**
     * Returns a future of a connection to {@code edge} on {@code loop}; it fails with an
     * {@link AccessException}, or with {@link NotMultiplexed} when the edge did not choose
     * {@link MultiplexedHttp2#ALPN} (then streams go one WebSocket each). {@code onIdle} hears,
     * on the loop, each time the connection's stream has ended and it can take the next.
     */
    static CompletableFuture<MultiplexedConnection> connect(
            EventLoop loop,
            EdgeEndpoint edge,
            EdgeSocket socket,
            SslContext tls,
            Duration idleTime,
            Consumer<MultiplexedConnection> onIdle) {
        CompletableFuture<MultiplexedConnection> result = new CompletableFuture<>();
        socket.connect(
                loop,
                new MultiplexedConnectionInitializer(socket, tls, new Negotiation(edge, idleTime, onIdle, result)),
                result::completeExceptionally);
        return result;
    }

    /** Returns whether a new stream may go on this connection. */
    boolean accepting() {
        return channel.isActive() && !goingAway && streams < AccessLimits.STREAMS_PER_CONNECTION;
    }

    /**
     * Returns a future of a stream to the app {@code hostname} with {@code credentials}, ready for a
     * relay (reads off); it fails with an {@link AccessException} holding the sentence for the user.
     */
    CompletableFuture<Channel> open(
            String hostname, Credentials credentials, String destination, Duration answerTimeout) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        streamStarted();
        new Http2StreamChannelBootstrap(channel)
                .handler(new ConnectAnswerHandler(edge, hostname, answerTimeout, result))
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        streamEnded();
                        result.completeExceptionally(EdgeFailures.brokenConnection(f.cause(), edge));
                        return;
                    }
                    Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                    stream.closeFuture().addListener(c -> streamEnded());
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                                    connectRequest(hostname, credentials, destination), false))
                            .addListener(w -> {
                                if (!w.isSuccess()) {
                                    result.completeExceptionally(EdgeFailures.brokenConnection(w.cause(), edge));
                                    stream.close();
                                }
                            });
                });
        return result;
    }

    private Http2Headers connectRequest(String hostname, Credentials credentials, String destination) {
        // RFC 9113, 8.5: a CONNECT names only the authority; the app's hostname picks the route.
        Http2Headers headers = new DefaultHttp2Headers().method("CONNECT").authority(hostname + ":" + edge.port());
        credentials.forEachHeader((name, value) -> headers.set(name.toLowerCase(Locale.ROOT), value));
        if (destination != null) {
            headers.set(AccessHeaders.JUMP_DESTINATION.toLowerCase(Locale.ROOT), destination);
        }
        return headers;
    }

    private void streamStarted() {
        streams++;
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }

    private void streamEnded() {
        streams--;
        if (streams == 0) {
            idleClose = channel.eventLoop()
                    .schedule(
                            () -> {
                                if (streams == 0) {
                                    channel.close();
                                }
                            },
                            idleTime.toMillis(),
                            TimeUnit.MILLISECONDS);
            if (accepting()) {
                onIdle.accept(this);
            }
        }
    }

    /** Closes the connection now; its stream, if any, ends with it. */
    void close() {
        channel.close();
    }

    /** The failure of a connection whose edge speaks one WebSocket per stream only. */
    static final class NotMultiplexed extends Exception {
        NotMultiplexed() {
            super("the edge did not choose " + MultiplexedHttp2.ALPN, null, false, false);
        }
    }

    /** Sets the connection up once TLS has settled the protocol. */
    private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
        private final EdgeEndpoint edge;
        private final Duration idleTime;
        private final Consumer<MultiplexedConnection> onIdle;
        private final CompletableFuture<MultiplexedConnection> result;

        Negotiation(
                EdgeEndpoint edge,
                Duration idleTime,
                Consumer<MultiplexedConnection> onIdle,
                CompletableFuture<MultiplexedConnection> result) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.edge = edge;
            this.idleTime = idleTime;
            this.onIdle = onIdle;
            this.result = result;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!MultiplexedHttp2.ALPN.equals(protocol)) {
                result.completeExceptionally(new NotMultiplexed());
                ctx.close();
                return;
            }
            MultiplexedConnection connection = new MultiplexedConnection(ctx.channel(), edge, idleTime, onIdle);
            ctx.pipeline()
                    .addLast("h2", MultiplexedHttp2.clientCodec())
                    .addLast("windows", MultiplexedHttp2.windowGrowth())
                    .addLast("idle", Http2Keepalive.idleState())
                    .addLast("keepalive", new Http2Keepalive("Edge connection"))
                    .addLast("streams", new Http2MultiplexHandler(new RefuseEdgeStreams()))
                    .addLast("goaway", new GoAwayWatch(connection))
                    // A reset by the edge or the network is one log line, not a stack trace; streams name their end.
                    .addLast("errors", new ConnectionErrorLog("Edge connection"));
            MultiplexedHttp2.widenConnectionWindow(ctx.channel());
            result.complete(connection);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new AccessException(EdgeFailures.tls(cause, edge)));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(AccessException.brokeBeforeAnswer(
                    "The edge at " + edge + " closed the connection during the TLS handshake."));
            super.channelInactive(ctx);
        }
    }

    /** Marks the connection as closing when the edge sends GOAWAY: new streams go elsewhere. */
    private static final class GoAwayWatch extends ChannelInboundHandlerAdapter {
        private final MultiplexedConnection connection;

        GoAwayWatch(MultiplexedConnection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                connection.goingAway = true;
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /** The CLI opens every stream; one the edge opens is refused. */
    private static final class RefuseEdgeStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
