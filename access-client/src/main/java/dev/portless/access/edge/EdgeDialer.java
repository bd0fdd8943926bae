package dev.portless.access.edge;

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
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/**
 * Returns WebSocket streams to the edge, one per call: TLS, HTTP upgrade with the credentials, and
 * a pipeline that ends in a {@link WebSocketStreamAdapter} ready for a relay (reads off).
 */
public final class EdgeDialer {
    /** Largest message the CLI accepts from the edge (the edge sends at most 16 KiB). */
    private static final int MAX_FRAME = 64 * 1024;

    private final EdgeEndpoint edge;
    private final SslContext tls;
    private final Transport transport;
    private final Duration connectTimeout;
    private final Duration answerTimeout;

    /**
     * Returns a dialer.
     *
     * @param answerTimeout how long to wait for the edge's answer to the upgrade, which includes the
     *                      connector dialing the target
     */
    public EdgeDialer(EdgeEndpoint edge, SslContext tls, Transport transport, Duration connectTimeout,
                      Duration answerTimeout) {
        this.edge = requireNonNull(edge, "edge");
        this.tls = requireNonNull(tls, "tls");
        this.transport = requireNonNull(transport, "transport");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
        this.answerTimeout = requireNonNull(answerTimeout, "answerTimeout");
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
        CompletableFuture<Channel> result = new CompletableFuture<>();
        HttpHeaders headers = new DefaultHttpHeaders();
        credentials.addTo(headers);
        WebSocketClientHandshaker handshaker = new StreamHandshaker(URI.create("wss://" + hostname + "/"), headers,
                MAX_FRAME);
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
                                .addLast("aggregator", new HttpObjectAggregator(64 * 1024))
                                .addLast("upgrade", new UpgradeHandler(handshaker, edge, hostname, answerTimeout, result));
                    }
                })
                .connect(edge.host(), edge.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(new AccessException(connectFailure(f.cause())));
                    }
                });
        return result;
    }

    private String connectFailure(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "The edge host " + edge.host() + " does not resolve; check --edge (or PORTLESS_EDGE).";
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "The edge at " + edge + " did not accept a connection within " + connectTimeout.toSeconds()
                    + " s; check --edge and your network.";
        }
        if (cause instanceof ConnectException) {
            return "Cannot connect to the edge at " + edge + ": connection refused; check --edge and that the edge runs.";
        }
        return "Cannot connect to the edge at " + edge + ": " + cause.getMessage();
    }
}
