package dev.portless.connector.edge.streams;

import dev.portless.common.config.Durations;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamEnd;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The timers that end one stream at its app's {@link StreamTimeouts}: a deadline for the maximum
 * duration, and a periodic look at the bytes relayed for the idle timeout (a quarter of it apart,
 * so a stream ends between one and one and a quarter idle timeouts after its last byte).
 */
final class StreamTimers {
    private static final long MIN_IDLE_CHECK_MILLIS = 100;

    private final RelayPair pair;
    private final String app;
    private final Duration idle;
    // Touched from the timers' event loop only.
    private long lastBytes;
    private long lastActiveNanos = System.nanoTime();

    private StreamTimers(RelayPair pair, String app, Duration idle) {
        this.pair = pair;
        this.app = app;
        this.idle = idle;
    }

    /** Starts the timers {@code timeouts} asks for on {@code loop}; they stop when the stream ends. */
    static void watch(RelayPair pair, String app, StreamTimeouts timeouts, EventLoop loop) {
        Duration max = timeouts.maxStreamDuration();
        if (!max.isZero()) {
            ScheduledFuture<?> deadline = loop.schedule(
                    () -> pair.abort(StreamAbort.of(StreamEnd.MAX_DURATION, app, Durations.format(max))),
                    max.toMillis(),
                    TimeUnit.MILLISECONDS);
            pair.done().whenComplete((r, t) -> deadline.cancel(false));
        }
        Duration idle = timeouts.idleTimeout();
        if (!idle.isZero()) {
            StreamTimers timers = new StreamTimers(pair, app, idle);
            long every = Math.max(MIN_IDLE_CHECK_MILLIS, idle.toMillis() / 4);
            ScheduledFuture<?> check = loop.scheduleAtFixedRate(timers::checkIdle, every, every, TimeUnit.MILLISECONDS);
            pair.done().whenComplete((r, t) -> check.cancel(false));
        }
    }

    private void checkIdle() {
        long bytes = pair.bytesRelayed();
        long now = System.nanoTime();
        if (bytes != lastBytes) {
            lastBytes = bytes;
            lastActiveNanos = now;
        } else if (now - lastActiveNanos >= idle.toNanos()) {
            pair.abort(StreamAbort.of(StreamEnd.IDLE_TIMEOUT, app, Durations.format(idle)));
        }
    }
}
