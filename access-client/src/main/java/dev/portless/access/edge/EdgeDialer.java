package dev.portless.access.edge;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.Transport;
import dev.portless.common.relay.WebSocketStreamAdapter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Returns streams to the edge, one per call, ready for a relay (reads off). When the edge offers
 * HTTP/2 client connections (see {@code MultiplexedHttp2}), a stream is an HTTP/2 {@code CONNECT} on
 * a reused connection; otherwise it is its own TLS connection and WebSocket (HTTP upgrade with the
 * credentials, then a {@link WebSocketStreamAdapter}), which every edge speaks.
 */
public final class EdgeDialer {
    /** Largest message the CLI accepts from the edge (the edge sends at most 16 KiB). */

    private final EdgeEndpoint edge;
    private final SslContext tls;
    private final Transport transport;
    private final Duration connectTimeout;
    private final Duration answerTimeout;
    private final Multiplexer multiplexer;

    /**
     * Returns a dialer that opens one WebSocket per stream.
     *
     * @param tls           the TLS context, offering ALPN {@code http/1.1}
     * @param answerTimeout how long to wait for the edge's answer to the upgrade, which includes the
     *                      connector dialing the target
     */
    public EdgeDialer(EdgeEndpoint edge, SslContext tls, Transport transport, Duration connectTimeout,
                      Duration answerTimeout) {
        this(edge, tls, null, transport, connectTimeout, answerTimeout);
    }

    private EdgeDialer(EdgeEndpoint edge, SslContext tls, SslContext multiplexTls, Transport transport,
                       Duration connectTimeout, Duration answerTimeout) {
        this.edge = requireNonNull(edge, "edge");
        this.tls = requireNonNull(tls, "tls");
        this.transport = requireNonNull(transport, "transport");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
        this.answerTimeout = requireNonNull(answerTimeout, "answerTimeout");
        this.multiplexer = multiplexTls == null ? null
                : new Multiplexer(edge, multiplexTls, transport, connectTimeout, answerTimeout);
    }

    /**
     * Returns a dialer that carries streams on reused HTTP/2 connections when the edge offers them,
     * and one WebSocket each otherwise.
     *
     * @param multiplexTls the TLS context offering ALPN {@code MultiplexedHttp2.ALPN} and {@code http/1.1}
     * @param webSocketTls the TLS context offering {@code http/1.1} only
     */
    public static EdgeDialer multiplexing(EdgeEndpoint edge, SslContext multiplexTls, SslContext webSocketTls,
                                          Transport transport, Duration connectTimeout, Duration answerTimeout) {
        return new EdgeDialer(edge, webSocketTls, requireNonNull(multiplexTls, "multiplexTls"), transport,
                connectTimeout, answerTimeout);
    }

    /** Returns the edge this dialer reaches. */
    public EdgeEndpoint edge() {
        return edge;
    }

    /**
     * Returns a future of a stream to the app {@code hostname}, opened on {@code loop} with
     * {@code credentials}; it fails with an {@link AccessException} whose message is the sentence
     * for the user and, when the edge named one, its error code.
     */
    public CompletableFuture<Channel> open(EventLoop loop, String hostname, Credentials credentials) {
        requireNonNull(credentials, "credentials");
        if (multiplexer == null || multiplexer.unsupported()) {
            return openWebSocket(loop, hostname, credentials);
        }
        return multiplexer.open(loop, hostname, credentials).exceptionallyCompose(failure ->
                failure instanceof MultiplexedConnection.NotMultiplexed
                        ? openWebSocket(loop, hostname, credentials)
                        : CompletableFuture.failedFuture(failure));
    }

    private CompletableFuture<Channel> openWebSocket(EventLoop loop, String hostname, Credentials credentials) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        HttpHeaders headers = new DefaultHttpHeaders();
        credentials.addTo(headers);
        WebSocketClientHandshaker handshaker = new StreamHandshaker(URI.create("wss://" + hostname + "/"), headers,
                WebSocketStreamAdapter.MAX_CLIENT_FRAME);
        new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc(), edge.host(), edge.port());
                        ssl.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                        ch.pipeline().addLast("tls", ssl)
                                .addLast("http", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(AccessLimits.MAX_UPGRADE_ANSWER))
                                .addLast("upgrade", new UpgradeHandler(handshaker, edge, hostname, answerTimeout, result));
                    }
                })
                .connect(edge.host(), edge.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new AccessException(EdgeFailures.connect(f.cause(), edge, connectTimeout)));
                    }
                });
        return result;
    }
}
