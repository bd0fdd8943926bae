package dev.portless.connector.edge.listener;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The count of a listener's TLS handshakes in progress, and the pause of its accepting above a limit: on
 * the server channel, behind the accept, it counts each connection accepted until its handshake finishes
 * or fails or the connection closes ({@link #finished}); at the limit it turns the server channel's reads
 * off, so the kernel's backlog holds the next connections instead of the event loops sharing their time
 * among ever more handshakes (a burst, or a flood of connections that never finish), and turns them on
 * again when one ends. A read of the server channel accepts a batch of connections, so the count may pass
 * the limit by one batch.
 *
 * <p>The count changes on any loop; the server channel's reads are switched on its own loop, after each
 * crossing of the limit, from the count as it is then.
 */
@ChannelHandler.Sharable
public final class HandshakeGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeGate.class);
    private static final AttributeKey<HandshakeGate> GATE = AttributeKey.valueOf("portless.handshakeGate");
    /** How often at most the log says that accepting paused. */
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String listener;
    private final int limit;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicLong pauses = new AtomicLong();
    private volatile Channel server;
    // Touched from the server channel's event loop only.
    private long lastLogNanos;
    private long pausesLogged;

    /**
     * Returns the gate of the listener {@code listener} names (for the log and the metrics), which accepts
     * no more connections while {@code limit} handshakes are in progress.
     */
    public HandshakeGate(String listener, int limit) {
        this.listener = requireNonNull(listener, "listener");
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        this.limit = limit;
    }

    /**
     * The handshake of {@code connection} finished or failed, or the connection closed; only the first
     * call for a connection counts, and one its listener has no gate for does nothing.
     */
    public static void finished(Channel connection) {
        HandshakeGate gate = requireNonNull(connection, "connection").attr(GATE).getAndSet(null);
        if (gate != null && gate.inProgress.decrementAndGet() == gate.limit - 1) {
            Channel s = gate.server;
            // A listener being closed accepts nothing more either way.
            if (!s.eventLoop().isShuttingDown()) {
                s.eventLoop().execute(gate::adjust);
            }
        }
    }

    /** Returns the name of the listener. */
    public String listener() {
        return listener;
    }

    /** Returns the number of connections accepted whose handshake has not ended. */
    public int inProgress() {
        return inProgress.get();
    }

    /** Returns how many times the listener stopped accepting because the limit was reached. */
    public long pauses() {
        return pauses.get();
    }

    /** Returns whether the listener accepts connections now. */
    public boolean accepting() {
        Channel s = server;
        return s != null && s.config().isAutoRead();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        server = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel connection) {
            connection.attr(GATE).set(this);
            if (inProgress.incrementAndGet() == limit) {
                adjust();
            }
            connection.closeFuture().addListener((ChannelFutureListener) f -> finished(f.channel()));
        }
        ctx.fireChannelRead(msg);
    }

    /** Accepts while the count is below the limit; runs on the server channel's loop. */
    private void adjust() {
        boolean accept = inProgress.get() < limit;
        if (accept == server.config().isAutoRead()) {
            return;
        }
        server.config().setAutoRead(accept);
        if (!accept) {
            pauses.incrementAndGet();
            logPause();
        }
    }

    private void logPause() {
        long now = System.nanoTime();
        if (pausesLogged != 0 && now - lastLogNanos < LOG_EVERY_NANOS) {
            return;
        }
        long total = pauses.get();
        log.warn(
                "The {} listener has {} TLS handshakes in progress, its limit: it accepts again when one ends "
                        + "({} pause(s) in all); a flood of connections that never finish their handshake "
                        + "looks like this",
                listener,
                inProgress.get(),
                total);
        lastLogNanos = now;
        pausesLogged = total;
    }
}
