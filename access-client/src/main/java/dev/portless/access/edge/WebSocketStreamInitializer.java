package dev.portless.access.edge;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.relay.WebSocketKeepalive;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a stream that travels in its own WebSocket: TLS, HTTP/1.1, the aggregator for the
 * edge's answer, and the upgrade, which turns the channel into a stream once the edge says 101;
 * behind them a Ping after {@link AccessLimits#WEBSOCKET_PING_AFTER} without traffic.
 */
final class WebSocketStreamInitializer extends ChannelInitializer<Channel> {
    private final EdgeSocket socket;
    private final SslContext tls;
    private final UpgradeHandler upgrade;

    WebSocketStreamInitializer(EdgeSocket socket, SslContext tls, UpgradeHandler upgrade) {
        this.socket = socket;
        this.tls = tls;
        this.upgrade = upgrade;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast("tls", socket.tls(tls, ch))
                .addLast("http", new HttpClientCodec())
                .addLast("aggregator", new HttpObjectAggregator(AccessLimits.MAX_UPGRADE_ANSWER))
                .addLast("upgrade", upgrade)
                .addLast(
                        "idle",
                        new IdleStateHandler(0, 0, AccessLimits.WEBSOCKET_PING_AFTER.toMillis(), TimeUnit.MILLISECONDS))
                .addLast("ping", new WebSocketKeepalive());
    }
}
