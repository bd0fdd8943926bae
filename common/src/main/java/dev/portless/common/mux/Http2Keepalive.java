package dev.portless.common.mux;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness check of an HTTP/2 connection (a tunnel, or a multiplexed client
 * connection): an HTTP/2 PING after {@value #PING_AFTER_SECONDS}
 * s without traffic, and a close after {@value #DEAD_AFTER_SECONDS} s without reading anything (a
 * PING's ACK counts), so a silently dead path is noticed in seconds, not after TCP's hours.
 *
 * <p>Add {@link #idleState()} then this handler after the HTTP/2 codec, on both ends.
 */
public final class Http2Keepalive extends ChannelDuplexHandler {
    static final int PING_AFTER_SECONDS = 15;
    static final int DEAD_AFTER_SECONDS = 45;
    private static final Logger log = LoggerFactory.getLogger(Http2Keepalive.class);

    private final String what;

    /** Returns the check of a connection that logs name as {@code what}, e.g. "Tunnel connection". */
    public Http2Keepalive(String what) {
        this.what = what;
    }

    /** Returns the idle-state detector this handler reacts to. */
    public static IdleStateHandler idleState() {
        return new IdleStateHandler(DEAD_AFTER_SECONDS, 0, PING_AFTER_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.warn(
                        "{} {} sent nothing for {} s, not even a PING ACK; closing it",
                        what,
                        ctx.channel().remoteAddress(),
                        DEAD_AFTER_SECONDS);
                ctx.close();
            } else if (idle.state() == IdleState.ALL_IDLE) {
                ctx.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime()));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
