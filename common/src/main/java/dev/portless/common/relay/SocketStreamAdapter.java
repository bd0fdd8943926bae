package dev.portless.common.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * A TCP socket seen as a stream: FIN in is {@link EndOfStream}, {@link EndOfStream} out is
 * a FIN (shutdown of output only), and a {@link StreamAbort} out makes the close that follows a
 * reset (RST).
 *
 * <p>The channel must have {@link ChannelOption#ALLOW_HALF_CLOSURE} set, or Netty closes it on FIN.
 */
public final class SocketStreamAdapter extends ChannelDuplexHandler {
    // Touched from this channel's event loop only.
    private boolean inputShutdown;

    @Override
    public void read(ChannelHandlerContext ctx) {
        // After FIN there is nothing left to read, and epoll fails to re-arm the descriptor.
        if (!inputShutdown) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            ctx.fireUserEventTriggered(EndOfStream.INSTANCE);
        } else if (!(evt instanceof ChannelInputShutdownReadComplete)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof EndOfStream) {
            // Netty fails writes still queued when output shuts down: wait for them first.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput(promise);
                } else if (f.isSuccess()) {
                    promise.setSuccess();
                } else {
                    promise.setFailure(f.cause());
                }
            });
        } else if (msg instanceof StreamAbort) {
            // The close that follows an abort must not read as a clean end: with a zero linger time
            // the kernel answers it with RST, so the program on this socket sees "connection reset",
            // not EOF.
            ReferenceCountUtil.release(msg);
            if (ctx.channel().isActive()) {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            }
            promise.setSuccess();
        } else {
            ctx.write(msg, promise);
        }
    }
}
