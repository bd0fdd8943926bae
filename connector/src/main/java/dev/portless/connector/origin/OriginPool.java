package dev.portless.connector.origin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The idle keep-alive connections of one origin: at most {@code keep-alive-connections} of them, each
 * closed after {@code keep-alive-timeout} unused. They are kept by event loop, so a stream takes a
 * connection that shares its loop and no byte crosses threads; the limit counts all loops together.
 *
 * <p>The idle timeout is checked lazily: a connection has at most one pending check, which looks at when the
 * connection last went idle, instead of a timer made at each release and cancelled at each take (twice per
 * request on a busy origin).
 */
final class OriginPool {
    private final int maxIdle;
    private final Duration idleTimeout;
    private final AtomicInteger idle = new AtomicInteger();
    private final Map<EventLoop, Deque<OriginConnection>> byLoop = new ConcurrentHashMap<>();

    OriginPool(int maxIdle, Duration idleTimeout) {
        this.maxIdle = maxIdle;
        this.idleTimeout = idleTimeout;
    }

    /** Returns the most recently used idle connection on {@code loop}, or null when there is none. */
    OriginConnection take(EventLoop loop) {
        Deque<OriginConnection> idleHere = byLoop.get(loop);
        if (idleHere == null) {
            return null;
        }
        OriginConnection c;
        while ((c = idleHere.pollLast()) != null) {
            idle.decrementAndGet();
            if (c.channel().isActive()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps {@code c} for the next request, or closes it when the pool is full. */
    void release(OriginConnection c) {
        c.listener(null);
        if (!c.channel().isActive()) {
            return;
        }
        if (idle.incrementAndGet() > maxIdle) {
            idle.decrementAndGet();
            c.channel().close();
            return;
        }
        EventLoop loop = c.channel().eventLoop();
        Deque<OriginConnection> idleHere = byLoop.computeIfAbsent(loop, l -> new ConcurrentLinkedDeque<>());
        c.idleSince(System.nanoTime());
        idleHere.addLast(c);
        if (c.startIdleCheck()) {
            scheduleIdleCheck(idleHere, c, idleTimeout.toNanos());
        }
        // Reads are off, so without a pending read the origin's own keep-alive close (nginx: 75 s) would go
        // unseen until the next request failed on the dead connection. An idle read sees the FIN at once.
        c.channel().read();
    }

    /** Watches a new connection so that one the origin closes while idle leaves the pool. */
    void track(OriginConnection c) {
        c.channel().closeFuture().addListener((ChannelFutureListener) f -> {
            Deque<OriginConnection> idleHere = byLoop.get(f.channel().eventLoop());
            if (idleHere != null && idleHere.remove(c)) {
                idle.decrementAndGet();
            }
        });
    }

    private void scheduleIdleCheck(Deque<OriginConnection> idleHere, OriginConnection c, long delayNanos) {
        c.channel().eventLoop().schedule(() -> checkIdle(idleHere, c), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Closes {@code c} if it has sat idle for the timeout; else checks again when it could have. */
    private void checkIdle(Deque<OriginConnection> idleHere, OriginConnection c) {
        if (!c.channel().isActive()) {
            return;
        }
        long left = idleTimeout.toNanos() - (System.nanoTime() - c.idleSince());
        if (left > 0) {
            scheduleIdleCheck(idleHere, c, left);
        } else if (idleHere.remove(c)) {
            idle.decrementAndGet();
            c.channel().close();
        } else {
            // In use: its next release schedules the check, unless that release came before this line.
            c.idleCheckDone();
            if (idleHere.contains(c) && c.startIdleCheck()) {
                scheduleIdleCheck(idleHere, c, idleTimeout.toNanos());
            }
        }
    }

    /** Returns the number of idle connections kept now. */
    int idle() {
        return idle.get();
    }
}
