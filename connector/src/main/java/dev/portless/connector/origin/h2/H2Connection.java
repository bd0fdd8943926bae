package dev.portless.connector.origin.h2;

import dev.portless.common.mux.Http2Windows;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/2 connection to an origin, the last handler of its pipeline (TLS, frame codec, multiplexer,
 * this): it learns the origin's stream limit from its SETTINGS, counts the streams open on it, takes no
 * new one after a GOAWAY, and tells its pool when it has no stream left.
 *
 * <p>All its state is touched on the connection's event loop only, which is also its streams' loop.
 */
final class H2Connection extends ChannelInboundHandlerAdapter {
    /** What a connection tells the pool that owns it; called on its loop. */
    interface Owner {
        /** The connection has no open stream now. */
        void idle(H2Connection c);

        /** The connection takes no more streams (GOAWAY, close); it closes once its streams end. */
        void retired(H2Connection c);
    }

    private final Channel channel;
    private final Owner owner;
    private final Promise<H2Connection> settled;
    private long maxStreams = Long.MAX_VALUE;
    private int open;
    private boolean retired;
    private ScheduledFuture<?> idleTimer;

    private H2Connection(Channel channel, Owner owner) {
        this.channel = channel;
        this.owner = owner;
        this.settled = channel.eventLoop().newPromise();
    }

    /**
     * Turns {@code ch}, a TLS connection that agreed on {@code h2}, into an HTTP/2 client connection and
     * returns a future completed once the origin's first SETTINGS arrived, or failed with a
     * {@link TimeoutException} when they do not within {@code timeout}.
     */
    static Future<H2Connection> start(Channel ch, H2Limits limits, Duration timeout, Owner owner) {
        H2Connection c = new H2Connection(ch, owner);
        ch.pipeline()
                .addLast(
                        "h2",
                        Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings()
                                        .pushEnabled(false)
                                        .initialWindowSize(limits.streamWindow())
                                        .maxHeaderListSize(limits.maxHeaderListSize()))
                                // A stream the origin's limit holds back waits in the codec, not as a reset.
                                .encoderEnforceMaxConcurrentStreams(true)
                                .build())
                .addLast("streams", new Http2MultiplexHandler(new RefusePushedStreams()))
                .addLast("origin-h2", c);
        Http2Windows.widenConnectionWindow(ch, limits.connectionWindow());
        // Each stream reads only when the edge side can take more; the connection itself reads at will,
        // so a stalled stream holds at most its window, and control frames are never held up.
        ch.config().setOption(ChannelOption.AUTO_READ, true);
        ScheduledFuture<?> deadline = ch.eventLoop()
                .schedule(
                        () -> c.settled.tryFailure(
                                new TimeoutException("no HTTP/2 SETTINGS within " + timeout.toMillis() + " ms")),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        c.settled.addListener(f -> {
            deadline.cancel(false);
            if (!f.isSuccess()) {
                ch.close();
            }
        });
        ch.closeFuture().addListener((ChannelFutureListener)
                f -> c.settled.tryFailure(new IllegalStateException("the connection closed during set-up")));
        return c.settled;
    }

    Channel channel() {
        return channel;
    }

    /** Returns whether a new stream may go on this connection now. */
    boolean hasRoom() {
        return !retired && channel.isActive() && open < maxStreams;
    }

    /** Returns whether the connection takes no more streams (GOAWAY, close, idle timeout). */
    boolean retired() {
        return retired;
    }

    /** Returns the number of streams open on this connection. */
    int open() {
        return open;
    }

    /** Opens a stream with reads off; call it when {@link #hasRoom()}. */
    Future<Http2StreamChannel> openStream() {
        open++;
        cancelIdleTimer();
        Future<Http2StreamChannel> opened = new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .open();
        opened.addListener(f -> {
            if (opened.isSuccess()) {
                opened.getNow().closeFuture().addListener(x -> streamEnded());
            } else {
                streamEnded();
            }
        });
        return opened;
    }

    /** Closes the connection after {@code idle} without a stream. */
    void closeWhenIdleFor(Duration idle) {
        cancelIdleTimer();
        idleTimer = channel.eventLoop().schedule(this::closeIfIdle, idle.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeIfIdle() {
        if (open == 0) {
            retire();
            channel.close();
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    private void streamEnded() {
        open--;
        if (open > 0) {
            return;
        }
        if (retired) {
            channel.close();
        } else {
            owner.idle(this);
        }
    }

    private void retire() {
        if (!retired) {
            retired = true;
            cancelIdleTimer();
            owner.retired(this);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame s) {
                Long max = s.settings().maxConcurrentStreams();
                if (max != null) {
                    maxStreams = max;
                }
                settled.trySuccess(this);
            } else if (msg instanceof Http2GoAwayFrame) {
                // Streams past its last stream id hear of it from the multiplexer; the rest may finish.
                retire();
                if (open == 0) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        retire();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The codec has answered a connection error with GOAWAY already; the streams end with the close.
        retire();
        ctx.close();
    }

    /** Resets what an origin pushes: push is off in our SETTINGS, so a pushed stream is a protocol slip. */
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
