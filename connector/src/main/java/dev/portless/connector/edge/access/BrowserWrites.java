package dev.portless.connector.edge.access;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * The parts of one web-app answer written to the browser's connection, flushed once per turn of its
 * event loop instead of once per part: the tunnel stream's frames of one read (a small answer's head
 * and body) leave as one TLS record and one write, where a flush per part made two. The last part is
 * flushed at once, with whatever was written before it. Touched from the connection's event loop only.
 */
final class BrowserWrites {
    private final ChannelHandlerContext ctx;
    private final Runnable queuedFlush = this::flush;
    private boolean unflushed;
    private boolean flushQueued;

    BrowserWrites(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Writes {@code part}; it leaves when this turn's reads are over. */
    void write(Object part) {
        ctx.write(part);
        unflushed = true;
        if (!flushQueued) {
            flushQueued = true;
            // Tasks run after the loop's pending reads: the frames of the tunnel read in progress come first.
            ctx.executor().execute(queuedFlush);
        }
    }

    /** Writes {@code part}, the answer's last, and flushes it with the parts before it. */
    ChannelFuture writeLast(Object part) {
        unflushed = false;
        return ctx.writeAndFlush(part);
    }

    /** Flushes what was written and not yet flushed. */
    void flush() {
        flushQueued = false;
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }
}
