package dev.portless.connector.origin;

import dev.portless.common.relay.SocketStreamAdapter;
import dev.portless.common.relay.StreamHandover;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to an origin, the last handler of its pipeline: it hands what the origin sends to the
 * exchange that owns the connection now, and closes a connection that speaks while it sits idle in the
 * pool (nothing is asked of it, so whatever comes is unusable).
 *
 * <p>When the origin accepts a WebSocket upgrade, the HTTP codec leaves and this handler stays as a plain
 * pass-through in front of the stream adapter, dropping the codec's last empty message of the 101.
 */
final class OriginConnection extends ChannelInboundHandlerAdapter {
    /** What an exchange hears from its origin connection; called on the connection's event loop. */
    interface Listener {
        /** Whether the exchange asked for a WebSocket upgrade, so a 101 hands the connection over. */
        boolean upgrading();

        /** A response part (HttpResponse, HttpContent, LastHttpContent), to be released by the listener. */
        void fromOrigin(HttpObject msg);

        /** The origin accepted the upgrade; the pipeline is already a byte stream with a hold at its end. */
        void upgraded(Channel origin, HttpResponse switching);

        /** The origin's read has been handed over part by part: what it produced may leave as one write now. */
        void originReadComplete();

        /** The connection is writable again. */
        void originWritable();

        /** The connection closed or failed; {@code cause} is null for a plain close. */
        void originGone(Throwable cause);
    }

    private final Channel channel;
    private final OriginPool pool;
    // Set by the stream's loop when it takes the connection, read by the connection's loop.
    private volatile Listener listener;
    private boolean upgraded;
    // Touched by the pool, from either loop: when the connection last went idle, and whether a check of its
    // idle time is pending on its loop.
    private volatile long idleSince;
    private final AtomicBoolean idleCheckPending = new AtomicBoolean();

    OriginConnection(Channel channel, OriginPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    OriginPool pool() {
        return pool;
    }

    void listener(Listener l) {
        this.listener = l;
    }

    void idleSince(long nanos) {
        this.idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    /** Returns true once until {@link #idleCheckDone}: the caller schedules the check. */
    boolean startIdleCheck() {
        return idleCheckPending.compareAndSet(false, true);
    }

    void idleCheckDone() {
        idleCheckPending.set(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            if (msg instanceof HttpObject) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        Listener l = listener;
        if (l == null || !(msg instanceof HttpObject http)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (l.upgrading() && msg instanceof HttpResponse r && r.status().code() == 101) {
            upgrade(ctx, r, l);
            return;
        }
        l.fromOrigin(http);
    }

    /** Turns the connection into a byte stream: no codec, a socket adapter and a hold for early bytes. */
    private void upgrade(ChannelHandlerContext ctx, HttpResponse switching, Listener l) {
        upgraded = true;
        listener = null;
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        StreamHandover.addBehind(ctx, new SocketStreamAdapter());
        HttpClientCodec codec = ctx.pipeline().get(HttpClientCodec.class);
        ChannelHandlerContext codecCtx = ctx.pipeline().context(codec);
        codec.prepareUpgradeFrom(codecCtx);
        codec.upgradeFrom(codecCtx);
        l.upgraded(ctx.channel(), switching);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upgraded) {
            ctx.fireChannelReadComplete();
            return;
        }
        Listener l = listener;
        if (l != null) {
            l.originReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Listener l = listener;
        if (l != null && ctx.channel().isWritable()) {
            l.originWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.originGone(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (upgraded) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.originGone(cause);
        }
        ctx.close();
    }
}
