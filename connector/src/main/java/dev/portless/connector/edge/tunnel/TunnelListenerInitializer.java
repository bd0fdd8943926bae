package dev.portless.connector.edge.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portless.common.mux.ConnectionErrorLog;
import dev.portless.common.mux.Http2Keepalive;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.listener.TlsListenerHead;
import dev.portless.connector.tunnel.TunnelHttp2;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of a connection a connector dialed: TLS, then HTTP/2 with the edge as the
 * client, then registration.
 */
public final class TunnelListenerInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(TunnelListenerInitializer.class);

    private final TlsListenerHead tls;
    private final TunnelAuthenticator authenticator;
    private final TunnelRegistry registry;
    private final long handshakeTimeoutMillis;

    /**
     * Returns an initializer for the tunnel listener; a connector gets {@code limits}' tunnel handshake
     * timeout for TLS and again for registration.
     */
    public TunnelListenerInitializer(
            Supplier<SslContext> tls, TunnelAuthenticator authenticator, TunnelRegistry registry, EdgeLimits limits) {
        this.authenticator = authenticator;
        this.registry = registry;
        Duration handshakeTimeout = requireNonNull(limits, "limits").tunnelHandshakeTimeout();
        this.tls = new TlsListenerHead(requireNonNull(tls, "tls"), handshakeTimeout, "Connector");
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        tls.addTo(ch.pipeline());
        ch.pipeline().addLast("alpn", new ApplicationProtocolNegotiationHandler("none") {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (!TunnelProtocol.ALPN.equals(protocol)) {
                    log.warn(
                            "Refused a tunnel connection from {}: it did not negotiate HTTP/2 (ALPN {})",
                            ctx.channel().remoteAddress(),
                            protocol);
                    ctx.close();
                    return;
                }
                ctx.pipeline().addLast("h2", TunnelHttp2.edgeCodec());
                ctx.pipeline().addLast("windows", TunnelHttp2.windowGrowth());
                ctx.pipeline().addLast("idle", Http2Keepalive.idleState());
                ctx.pipeline().addLast("keepalive", new Http2Keepalive("Tunnel connection"));
                ctx.pipeline().addLast("streams", new Http2MultiplexHandler(new RefuseConnectorStreams()));
                ctx.pipeline().addLast("register", new TunnelRegistration(authenticator, registry));
                ctx.pipeline().addLast("errors", new ConnectionErrorLog("Tunnel connection"));
                ctx.channel()
                        .eventLoop()
                        .schedule(
                                () -> {
                                    if (ctx.channel().isActive()
                                            && ctx.pipeline().get(TunnelRegistration.class) != null) {
                                        log.warn(
                                                "Closed the tunnel connection from {}: it did not register within {} ms",
                                                ctx.channel().remoteAddress(),
                                                handshakeTimeoutMillis);
                                        ctx.channel().close();
                                    }
                                },
                                handshakeTimeoutMillis,
                                TimeUnit.MILLISECONDS);
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                // The handshake deadline closes the connection: the close is all the handshake saw of it.
                log.warn(
                        "TLS handshake with connector {} failed: {}",
                        ctx.channel().remoteAddress(),
                        cause instanceof ClosedChannelException
                                ? "the connection closed before it finished (a connector silent for "
                                        + handshakeTimeoutMillis + " ms is cut)"
                                : cause.getMessage());
                ctx.close();
            }
        });
    }

    /** The edge opens every stream; a connector that opens one is refused. */
    private static final class RefuseConnectorStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }
}
