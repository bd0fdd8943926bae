package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a browser's {@code h2} connection that has carried no request for a while. The keepalive's
 * PINGs count as traffic, so without it every connection a browser ever opened would stay open for good,
 * each holding a descriptor and its TLS state at the edge. Closing sends GOAWAY first, so the browser
 * opens a new connection for its next request instead of failing one.
 *
 * <p>Add it behind the connection's {@link Http2FrameCodec}.
 */
final class IdleBrowserConnectionClose extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IdleBrowserConnectionClose.class);

    private final long idleNanos;
    // Touched on the connection's event loop only.
    private ScheduledFuture<?> timer;

    IdleBrowserConnectionClose(Duration idle) {
        requireNonNull(idle, "idle");
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle: " + idle + " (expected: > 0)");
        }
        this.idleNanos = idle.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null) {
            throw new IllegalStateException("IdleBrowserConnectionClose belongs behind an Http2FrameCodec");
        }
        Http2Connection connection = codec.connection();
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                cancel();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                // Whether this stream still counts as active here is Netty's detail: the timer checks again.
                schedule(ctx, connection);
            }
        });
        schedule(ctx, connection);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void schedule(ChannelHandlerContext ctx, Http2Connection connection) {
        cancel();
        timer = ctx.executor()
                .schedule(
                        () -> {
                            timer = null;
                            if (connection.numActiveStreams() == 0
                                    && ctx.channel().isActive()) {
                                log.debug(
                                        "Browser connection {} carried no request for {} ms; closing it",
                                        ctx.channel().remoteAddress(),
                                        TimeUnit.NANOSECONDS.toMillis(idleNanos));
                                ctx.close();
                            }
                        },
                        idleNanos,
                        TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
