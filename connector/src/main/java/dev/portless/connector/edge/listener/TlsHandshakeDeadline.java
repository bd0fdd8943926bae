package dev.portless.connector.edge.listener;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadline of a peer's TLS handshake at one of the edge's listeners, in front of the connection's
 * {@link SslHandler}: a peer (a client, a connector) is cut off when it has sent nothing for the
 * handshake timeout, and never because the edge itself was slow. A starved event loop (hundreds of
 * handshakes at once on a loaded machine) may run the deadline before it reads the peer's last flight,
 * which is already waiting in the socket: the peer then sees its handshake finish and the connection
 * close without an answer ("Empty reply from server"). So when the deadline comes, the edge takes one
 * more look after its next read of the sockets, and cuts the connection only if nothing came. However
 * busy the edge, a handshake has at most three timeouts in all, so a peer that sends a byte now and then
 * cannot hold a connection for long.
 */
final class TlsHandshakeDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeDeadline.class);
    /** How long the last look waits: any delay puts it behind the loop's next pass over its sockets. */
    private static final long LAST_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final SslHandler tls;
    private final String peer;
    private final long timeoutNanos;
    private final long capNanos;
    // Touched from the connection's event loop only.
    private long startNanos;
    private long lastReadNanos;
    private long readsAtLastLook = -1;
    private long reads;
    private ScheduledFuture<?> timer;

    /**
     * Returns the deadline of {@code tls}'s handshake, which may wait {@code timeout} for the peer each
     * time; {@code peer} names what the peer is in the log ("Client", "Connector").
     */
    TlsHandshakeDeadline(SslHandler tls, Duration timeout, String peer) {
        this.tls = requireNonNull(tls, "tls");
        this.peer = requireNonNull(peer, "peer");
        this.timeoutNanos = requireNonNull(timeout, "timeout").toNanos();
        this.capNanos = 3 * timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        startNanos = now(ctx);
        lastReadNanos = startNanos;
        tls.handshakeFuture().addListener(f -> ctx.executor().execute(() -> done(ctx)));
        schedule(ctx, timeoutNanos);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reads++;
        lastReadNanos = now(ctx);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        long now = now(ctx);
        long silent = now - lastReadNanos;
        if (now - startNanos >= capNanos) {
            cutOff(ctx, "did not finish its TLS handshake within " + capNanos / 1_000_000 + " ms");
        } else if (silent < timeoutNanos) {
            schedule(ctx, timeoutNanos - silent);
        } else if (readsAtLastLook != reads) {
            // What the peer sent may be waiting in the socket, unread: look once more after the next read.
            readsAtLastLook = reads;
            schedule(ctx, LAST_LOOK_NANOS);
        } else {
            cutOff(ctx, "sent nothing of its TLS handshake for " + silent / 1_000_000 + " ms");
        }
    }

    private void cutOff(ChannelHandlerContext ctx, String what) {
        log.debug("{} {} {}; closing the connection", peer, ctx.channel().remoteAddress(), what);
        ctx.close();
    }

    private void done(ChannelHandlerContext ctx) {
        cancel();
        if (ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
        }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> expired(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Returns the loop's clock, which a test's loop can move forward. */
    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor() instanceof AbstractScheduledEventExecutor loop
                ? loop.ticker().nanoTime()
                : System.nanoTime();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
