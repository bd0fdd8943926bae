package dev.portless.connector.edge.tunnel;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.tunnel.TunnelHttp2;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler that registers a connector: it opens the control stream, checks the tunnel
 * credentials the connector answers with, and adds the connection to the registry.
 *
 * <p>Once registered, it gives its place to a watcher of GOAWAY, which means the connector drains.
 */
final class TunnelRegistration extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TunnelRegistration.class);

    private final TunnelAuthenticator authenticator;
    private final TunnelRegistry registry;

    TunnelRegistration(TunnelAuthenticator authenticator, TunnelRegistry registry) {
        this.authenticator = authenticator;
        this.registry = registry;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel parent = ctx.channel();
        TunnelHttp2.widenConnectionWindow(parent);
        new Http2StreamChannelBootstrap(parent)
                .handler(new ControlStreamHandler(parent))
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        log.warn(
                                "Cannot open the control stream to connector {}: {}",
                                parent.remoteAddress(),
                                f.cause().getMessage());
                        parent.close();
                        return;
                    }
                    Http2StreamChannel control = (Http2StreamChannel) f.getNow();
                    Http2Headers headers = new DefaultHttp2Headers()
                            .method("POST")
                            .scheme("https")
                            .authority("portless-edge")
                            .path(TunnelProtocol.REGISTER_PATH);
                    control.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
                });
    }

    private void onCredentials(Channel parent, Http2StreamChannel control, Http2Headers headers) {
        String id = string(headers.get(TunnelProtocol.TUNNEL_ID));
        String secret = string(headers.get(TunnelProtocol.TUNNEL_SECRET));
        String name = Optional.ofNullable(string(headers.get(TunnelProtocol.CONNECTOR_NAME)))
                .orElse("connector");
        // Older connectors send none; their streams are never resumable.
        String instance = Optional.ofNullable(string(headers.get(TunnelProtocol.CONNECTOR_INSTANCE)))
                .orElse("");
        Optional<String> tunnel =
                id == null || secret == null ? Optional.empty() : authenticator.authenticate(id, secret);
        if (tunnel.isEmpty()) {
            log.warn(
                    "Refused connector {} at {}: unknown tunnel id {} or wrong secret",
                    name,
                    parent.remoteAddress(),
                    id);
            String body = "error: unknown tunnel id or wrong tunnel secret; check the connector's credentials";
            control.writeAndFlush(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(control.alloc(), body), true))
                    .addListener((ChannelFutureListener) f -> parent.close());
            return;
        }
        control.writeAndFlush(
                new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(control.alloc(), TunnelProtocol.REGISTERED), false));
        if (headers.contains(TunnelProtocol.PROBE)) {
            // A start-up check: its credentials are good, and it closes at once, so no stream may land on it.
            log.info("Connector {} at {} checked its credentials (no streams)", name, parent.remoteAddress());
            return;
        }
        parent.eventLoop().execute(() -> {
            ConnectorConnection connection = new ConnectorConnection(parent, tunnel.get(), name, instance);
            parent.pipeline().replace(TunnelRegistration.this, "goaway", new GoAwayWatcher(connection));
            registry.add(connection);
        });
    }

    private static String string(CharSequence value) {
        return value == null ? null : value.toString();
    }

    /** Reads the connector's answer on the control stream. */
    private final class ControlStreamHandler extends ChannelInboundHandlerAdapter {
        private final Channel parent;

        ControlStreamHandler(Channel parent) {
            this.parent = parent;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    onCredentials(parent, (Http2StreamChannel) ctx.channel(), frame.headers());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The control stream lives as long as the connection does.
            parent.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("Control stream of connector {} failed: {}", parent.remoteAddress(), cause.getMessage());
            parent.close();
        }
    }

    /** Marks the connection as draining when the connector sends GOAWAY. */
    private static final class GoAwayWatcher extends ChannelInboundHandlerAdapter {
        private final ConnectorConnection connection;

        GoAwayWatcher(ConnectorConnection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                connection.markDraining();
                log.info("Connector {} is draining: no new streams go to it", connection);
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
