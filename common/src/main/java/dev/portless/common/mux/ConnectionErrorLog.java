package dev.portless.common.mux;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a long-lived connection (a tunnel, a multiplexed client connection): an error
 * that reaches it ends the connection with one log line. A network error (a peer that crashed or
 * reset) is an expected event, logged without a stack trace; its streams have their own end reasons.
 */
public final class ConnectionErrorLog extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionErrorLog.class);

    private final String what;

    /** Returns the handler of a connection the log names as {@code what}, e.g. "Tunnel connection". */
    public ConnectionErrorLog(String what) {
        this.what = requireNonNull(what, "what");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.info("{} {} ended: {}", what, ctx.channel().remoteAddress(), cause.getMessage());
        } else {
            log.warn("{} {} failed: {}", what, ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
