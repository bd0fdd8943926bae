package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The count of a client connection against its address's limit, first in the pipeline. A connection
 * over the limit is not closed here: it is marked, and its first request is answered 429 with a
 * sentence once TLS and HTTP can carry one ({@link #isOverLimit}), then closed.
 */
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Boolean> OVER_LIMIT = AttributeKey.valueOf("portless.overConnectionLimit");

    private final ClientLimits limits;
    // Touched from the connection's event loop only.
    private InetAddress counted;

    ConnectionLimit(ClientLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
            if (limits.connectionOpened(a.getAddress())) {
                counted = a.getAddress();
            } else {
                ctx.channel().attr(OVER_LIMIT).set(Boolean.TRUE);
            }
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted != null) {
            limits.connectionClosed(counted);
            counted = null;
        }
        ctx.fireChannelInactive();
    }

    /** Returns whether {@code channel} (a connection, or a stream of one) is over its address's limit. */
    static boolean isOverLimit(Channel channel) {
        Channel connection = channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
        return Boolean.TRUE.equals(connection.attr(OVER_LIMIT).get());
    }

    /** Returns the sentence a connection over the limit is answered with. */
    static String sentence(int connectionsPerClient) {
        return "Too many connections from your address (the edge allows " + connectionsPerClient
                + "); close some and retry.";
    }
}
