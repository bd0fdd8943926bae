package dev.portless.common.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A handler that parks what a channel reads before its relay exists, and hands it on, in
 * order, once the relay is added behind it.
 *
 * <p>Bytes can arrive early even with {@code AUTO_READ} off: a decoder removed during a handshake
 * passes on what it had buffered, an HTTP/2 stream delivers DATA queued behind its HEADERS, and the
 * epoll transport reads when the peer's FIN arrives. Without this handler they would reach the
 * pipeline's tail and be dropped.
 */
public final class InboundHold extends ChannelInboundHandlerAdapter {
    // Touched from this channel's event loop only.
    private final Queue<Object> held = new ArrayDeque<>();
    private final Queue<Boolean> isEvent = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean releasing;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
        isEvent.add(Boolean.FALSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        held.add(evt);
        isEvent.add(Boolean.TRUE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // The relay decides when to read again; nothing to pass on yet.
    }

    /**
     * Hands everything held to the handlers behind this one and leaves the pipeline. Call it on the
     * channel's event loop, once the handler that consumes the stream is in place.
     *
     * <p>The hold leaves the pipeline before it hands anything on: the consumer reads again on the
     * read-complete that ends the replay, and an HTTP/2 stream delivers its next queued frame within
     * that read. Were the hold still in place, that frame would be parked in it and dropped with it,
     * and the stream, its read spent, would stall for good.
     */
    public void release() {
        releasing = true;
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!releasing) {
            // The channel closed, or the hold was taken out, before any consumer came.
            held.forEach(ReferenceCountUtil::release);
            held.clear();
            isEvent.clear();
            return;
        }
        // Out of the pipeline already: whatever a read below delivers goes past this hold.
        boolean any = !held.isEmpty();
        while (!held.isEmpty()) {
            Object next = held.poll();
            if (isEvent.poll()) {
                ctx.fireUserEventTriggered(next);
            } else {
                ctx.fireChannelRead(next);
            }
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
    }
}
