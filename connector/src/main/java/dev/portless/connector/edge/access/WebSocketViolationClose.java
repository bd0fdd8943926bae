package dev.portless.connector.edge.access;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to a client's WebSocket frame that breaks RFC 6455: a Close frame with the status the
 * decoder found (1002 for a reserved close code such as 1005, 1006 or 1015, 1007 for a reason or a
 * text that is not UTF-8, 1009 for a frame over the limit), then the connection closes. Netty's
 * decoder, left to close on its own, drops the connection without a Close when the bad frame is
 * itself a Close; it runs with {@code closeOnProtocolViolation(false)} and this handler, right
 * behind it, answers every violation the same way.
 */
final class WebSocketViolationClose extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WebSocketViolationClose.class);

    // Touched from the connection's event loop only.
    private boolean answered;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof CorruptedWebSocketFrameException violation)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (answered) {
            return;
        }
        answered = true;
        WebSocketCloseStatus status = violation.closeStatus();
        log.debug("WebSocket client {} broke the protocol: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), status.reasonText()))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
