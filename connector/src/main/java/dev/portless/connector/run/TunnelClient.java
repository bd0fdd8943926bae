package dev.portless.connector.run;

import dev.portless.common.mux.Http2Keepalive;
import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.KeyExchange;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.connector.tunnel.TunnelHttp2;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound tunnel connection of the connector to one edge, kept up for the life of the
 * process: it dials, registers, serves the streams the edge opens, and redials with backoff when
 * the connection drops.
 */
final class TunnelClient {
    private static final Logger log = LoggerFactory.getLogger(TunnelClient.class);

    private final String label;
    private final EdgeAddress edge;
    private final ConnectorConfig config;
    private final SslContext tls;
    private final Transport transport;
    private final EventLoop loop;
    private final TunnelCredentials credentials;
    private final ConnectorIdentity identity;
    private final Supplier<StreamRoutes> routes;
    private final HostResolver resolver;
    private final Backoff backoff;
    // The one address of the edge's name this connection dials, when an EdgeAddressWatch follows the name.
    private final Optional<InetAddress> pinned;
    private final Runnable onLost;
    // Touched from this client's event loop only.
    private Channel channel;
    private boolean stopped;
    // Written on this client's event loop; read by metrics and readiness from other threads.
    private volatile boolean registered;
    private String closeReason;

    /**
     * Returns a connection that dials {@code pinned} (one address of the edge's name; the certificate is still
     * checked against the name) when present, and runs {@code onLost} each time a registered connection drops.
     */
    TunnelClient(
            String label,
            EdgeAddress edge,
            ConnectorConfig config,
            SslContext tls,
            Transport transport,
            EventLoop loop,
            TunnelCredentials credentials,
            ConnectorIdentity identity,
            Supplier<StreamRoutes> routes,
            HostResolver resolver,
            Optional<InetAddress> pinned,
            Runnable onLost) {
        this.pinned = pinned;
        this.onLost = onLost;
        this.label = label;
        this.edge = edge;
        this.config = config;
        this.tls = tls;
        this.transport = transport;
        this.loop = loop;
        this.credentials = credentials;
        this.identity = identity;
        this.routes = routes;
        this.resolver = resolver;
        this.backoff = new Backoff(config.retryInitial(), config.retryMax());
    }

    /** Returns the edge this connection dials. */
    EdgeAddress edge() {
        return edge;
    }

    /** Returns whether the edge has accepted this connection's registration and it is still up. */
    boolean registered() {
        return registered;
    }

    void start() {
        loop.execute(this::connect);
    }

    /** Sends GOAWAY so the edge opens no new streams here; open streams go on. */
    void drain() {
        loop.execute(() -> {
            stopped = true;
            if (channel != null && channel.isActive()) {
                channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            }
        });
    }

    /**
     * Returns whether this connection carries no stream now, the edge's control stream aside; asks its event
     * loop, so call it off the loops.
     */
    boolean idle() {
        return loop.submit(() -> {
                    Http2FrameCodec codec =
                            channel == null ? null : channel.pipeline().get(Http2FrameCodec.class);
                    // The edge keeps its registration stream open for the life of the connection.
                    return codec == null || codec.connection().numActiveStreams() <= 1;
                })
                .syncUninterruptibly()
                .getNow();
    }

    /** Closes the connection and stops redialing. */
    void stop() {
        loop.execute(() -> {
            stopped = true;
            if (channel != null) {
                channel.close();
            }
        });
    }

    private void connect() {
        if (stopped) {
            return;
        }
        registered = false;
        closeReason = null;
        if (pinned.isPresent()) {
            dial(new InetSocketAddress(pinned.get(), edge.port()));
            return;
        }
        // The edge's name is looked up off the loop: the system resolver blocks.
        Future<InetSocketAddress> address = resolver.resolve(loop, edge.host(), edge.port());
        address.addListener(f -> {
            if (!address.isSuccess()) {
                retry(describe(address.cause()));
            } else if (!stopped) {
                dial(address.getNow());
            }
        });
    }

    private void dial(InetSocketAddress address) {
        String serverName = config.edgeServerName().orElse(edge.host());
        new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        config.dialTimeout().toMillis())
                .handler(new TunnelClientInitializer(
                        tls, serverName, edge.port(), config.dialTimeout(), new Negotiation()))
                .connect(address)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        retry(describe(f.cause()));
                        return;
                    }
                    channel = f.channel();
                    channel.closeFuture().addListener(c -> {
                        if (registered) {
                            log.warn("{}: connection to edge {} lost", label, edge);
                            onLost.run();
                        }
                        retry(
                                registered
                                        ? "connection lost"
                                        : closeReason != null
                                                ? closeReason
                                                : "it closed the connection before registration completed");
                    });
                    loop.schedule(
                            () -> {
                                if (!registered && f.channel().isActive()) {
                                    log.warn("{}: edge {} did not complete registration in time", label, edge);
                                    f.channel().close();
                                }
                            },
                            ConnectorLimits.REGISTER_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS);
                });
    }

    /** Runs on the connection's event loop: stream channels share their parent's loop. */
    private void onVerdict(String verdict) {
        if (TunnelProtocol.REGISTERED.equals(verdict)) {
            registered = true;
            backoff.reset();
            SslHandler ssl = channel == null ? null : channel.pipeline().get(SslHandler.class);
            log.info(
                    "{}: registered tunnel {} with edge {} ({})",
                    label,
                    credentials.tunnelName(),
                    edge,
                    ssl == null ? "TLS" : KeyExchange.describe(ssl));
        } else {
            closeReason = "it refused the tunnel credentials (" + verdict + ")";
            log.error("{}: edge {} refused the tunnel: {}", label, edge, verdict);
        }
    }

    private void retry(String why) {
        if (stopped) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        log.warn("{}: cannot reach edge {}: {}; retrying in {} ms", label, edge, why, delay);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private String describe(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "its host name does not resolve";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** Installs HTTP/2 once TLS has agreed on it; reports TLS failures in one sentence. */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super("none");
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!TunnelProtocol.ALPN.equals(protocol)) {
                log.error(
                        "{}: edge {} did not agree on HTTP/2 (ALPN {}); is this the edge's tunnel port?",
                        label,
                        edge,
                        protocol);
                closeReason = "no HTTP/2";
                ctx.close();
                return;
            }
            Channel parent = ctx.channel();
            ctx.pipeline().addLast("h2", TunnelHttp2.connectorCodec());
            ctx.pipeline().addLast("windows", TunnelHttp2.windowGrowth());
            ctx.pipeline().addLast("idle", Http2Keepalive.idleState());
            ctx.pipeline().addLast("keepalive", new Http2Keepalive("Tunnel connection"));
            ctx.pipeline()
                    .addLast(
                            "streams",
                            new Http2MultiplexHandler(new TunnelStreamInitializer(
                                    () -> new RegistrationResponder(
                                            credentials, identity, TunnelClient.this::onVerdict),
                                    routes)));
            TunnelHttp2.widenConnectionWindow(parent);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            String why = cause instanceof SSLHandshakeException || cause.getCause() instanceof SSLHandshakeException
                    ? "its TLS certificate is not trusted (" + rootMessage(cause) + "); set edge-ca in connector.yml"
                    : "TLS handshake failed: " + rootMessage(cause);
            closeReason = why;
            ctx.close();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
