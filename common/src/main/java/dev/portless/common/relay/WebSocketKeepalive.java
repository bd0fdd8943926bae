package dev.portless.common.relay;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The keepalive of an idle WebSocket stream: a Ping when an {@code IdleStateHandler} in front of it
 * reports the connection idle, so NAT and proxy mappings on the path stay open for a stream that
 * carries nothing for hours. The peer's Pong is dropped by {@link WebSocketStreamAdapter}.
 */
public final class WebSocketKeepalive extends ChannelDuplexHandler {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE) {
            if (ctx.pipeline().get(WebSocketStreamAdapter.class) != null) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
