package dev.portless.common.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The handler that copies the bytes one channel reads into its peer, with backpressure.
 *
 * <p>Both channels run with {@code AUTO_READ} off. This side reads again only while the peer is
 * writable; when the peer drains below its low water mark, the peer's relay asks this side to read.
 * So no stream ever buffers more than the peer's high water mark plus one read.
 */
final class StreamRelay extends ChannelInboundHandlerAdapter {
    private final RelayPair pair;
    private final Channel peer;
    // What the debug counters call the two sides, e.g. "client" and "connector"; joined only when they log.
    private final String from;
    private final String to;
    private final ChannelFutureListener closeOnWriteFailure;
    // Written on this channel's event loop only; read by the pair when the stream ends.
    private volatile long bytesRead;
    // Null unless debug logging is on for RelayCounters; touched from this channel's event loop only.
    private RelayCounters counters;

    StreamRelay(RelayPair pair, Channel peer, String from, String to) {
        this.pair = pair;
        this.peer = peer;
        this.from = from;
        this.to = to;
        this.closeOnWriteFailure = f -> {
            if (!f.isSuccess()) {
                pair.failed(peer, f.cause());
            }
        };
    }

    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        counters = RelayCounters.startIfLogging(ctx, peer, from, to);
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = buf.readableBytes();
        if (n == 0) {
            buf.release();
            return;
        }
        bytesRead += n;
        if (counters != null) {
            counters.relayed(n);
        }
        peer.write(buf).addListener(closeOnWriteFailure);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (peer.isWritable()) {
            if (counters != null) {
                counters.readAgain();
            }
            ctx.read();
        } else if (counters != null) {
            counters.heldForPeer();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof EndOfStream) {
            // Epoll reports a reset as an exception and then as input shutdown: once the stream is
            // ending abnormally, passing the half-close on would tell the peer it ended cleanly.
            boolean passOn = !pair.isEnding();
            // Record the end before passing it on: on an HTTP/2 stream whose other direction has
            // ended already, writing END_STREAM closes the peer's channel at once, and that close
            // must read as the completion it is, not as the peer hanging up.
            boolean completed = pair.inputEnded(ctx.channel());
            if (passOn) {
                peer.writeAndFlush(EndOfStream.INSTANCE).addListener(closeOnWriteFailure);
            }
            if (completed) {
                pair.finish();
            }
        } else if (evt instanceof StreamAbort abort) {
            pair.abortedBy(ctx.channel(), abort);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pair.closed(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        pair.failed(ctx.channel(), cause);
    }
}
