package dev.portless.access.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.relay.WebSocketStreamAdapter;
import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.AccessHeaders;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Streams to the edge, one per call, ready for a relay (reads off). When the edge offers
 * HTTP/2 client connections (see {@code MultiplexedHttp2}), a stream is an HTTP/2 {@code CONNECT} on
 * a reused connection; otherwise it is its own TLS connection and WebSocket (HTTP upgrade with the
 * credentials, then a {@link WebSocketStreamAdapter}), which every edge speaks.
 */
public final class EdgeDialer {
    private final EdgeEndpoint edge;
    private final SslContext tls;
    private final EdgeSocket socket;
    private final Duration answerTimeout;
    private final Multiplexer multiplexer;

    /**
     * Returns a dialer that opens one WebSocket per stream.
     *
     * @param tls           the TLS context, offering ALPN {@code http/1.1}
     * @param answerTimeout how long to wait for the edge's answer to the upgrade, which includes the
     *                      connector dialing the target
     */
    public EdgeDialer(
            EdgeEndpoint edge, SslContext tls, Transport transport, Duration connectTimeout, Duration answerTimeout) {
        this(edge, tls, null, transport, connectTimeout, answerTimeout, AccessLimits.IDLE_CONNECTION_CLOSE);
    }

    private EdgeDialer(
            EdgeEndpoint edge,
            SslContext tls,
            SslContext multiplexTls,
            Transport transport,
            Duration connectTimeout,
            Duration answerTimeout,
            Duration idleClose) {
        this.edge = requireNonNull(edge, "edge");
        this.tls = requireNonNull(tls, "tls");
        this.socket = new EdgeSocket(
                edge,
                requireNonNull(transport, "transport"),
                HostResolver.withDaemonThreads("access-resolver", AccessLimits.RESOLVER_THREADS),
                requireNonNull(connectTimeout, "connectTimeout"));
        this.answerTimeout = requireNonNull(answerTimeout, "answerTimeout");
        this.multiplexer = multiplexTls == null
                ? null
                : new Multiplexer(edge, socket, multiplexTls, answerTimeout, requireNonNull(idleClose, "idleClose"));
    }

    /**
     * Returns a dialer that carries streams on reused HTTP/2 connections when the edge offers them,
     * and one WebSocket each otherwise.
     *
     * @param multiplexTls the TLS context offering ALPN {@code MultiplexedHttp2.ALPN} and {@code http/1.1}
     * @param webSocketTls the TLS context offering {@code http/1.1} only
     * @param idleClose    how long a connection without a stream stays open for the next one
     */
    public static EdgeDialer multiplexing(
            EdgeEndpoint edge,
            SslContext multiplexTls,
            SslContext webSocketTls,
            Transport transport,
            Duration connectTimeout,
            Duration answerTimeout,
            Duration idleClose) {
        return new EdgeDialer(
                edge,
                webSocketTls,
                requireNonNull(multiplexTls, "multiplexTls"),
                transport,
                connectTimeout,
                answerTimeout,
                idleClose);
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
        return open(loop, hostname, credentials, null);
    }

    /**
     * Returns a future of a stream as {@link #open(EventLoop, String, Credentials)} does, naming the bastion
     * jump destination {@code destination} ({@code host:port}) unless it is {@code null}.
     */
    public CompletableFuture<Channel> open(
            EventLoop loop, String hostname, Credentials credentials, String destination) {
        requireNonNull(credentials, "credentials");
        if (multiplexer == null || multiplexer.unsupported()) {
            return openWebSocket(loop, hostname, credentials, destination);
        }
        return multiplexer
                .open(loop, hostname, credentials, destination)
                .exceptionallyCompose(failure -> failure instanceof MultiplexedConnection.NotMultiplexed
                        ? openWebSocket(loop, hostname, credentials, destination)
                        : CompletableFuture.failedFuture(failure));
    }

    private CompletableFuture<Channel> openWebSocket(
            EventLoop loop, String hostname, Credentials credentials, String destination) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        HttpHeaders headers = new DefaultHttpHeaders();
        credentials.addTo(headers);
        if (destination != null) {
            headers.set(AccessHeaders.JUMP_DESTINATION, destination);
        }
        WebSocketClientHandshaker handshaker = new StreamHandshaker(
                URI.create("wss://" + hostname + "/"),
                credentials.resumable() ? ResumeProtocol.SUBPROTOCOL : null,
                headers,
                WebSocketStreamAdapter.MAX_CLIENT_FRAME);
        UpgradeHandler upgrade = new UpgradeHandler(handshaker, edge, hostname, answerTimeout, result);
        socket.connect(loop, new WebSocketStreamInitializer(socket, tls, upgrade), result::completeExceptionally);
        return result;
    }
}
