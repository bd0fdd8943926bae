package dev.portless.connector.edge.identity;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.EdgeLimits.RateLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed-window counters: at most {@code limit} events per key per window. Used to bound PIN
 * mails, PIN and device-code guesses, per browser, per address and for the whole edge.
 */
public final class RateLimiter {
    /** Keys beyond this are dropped when windows are swept, so the map stays bounded. */
    private static final int MAX_KEYS = 100_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** Returns a limiter of {@code limit} events per {@code window}. */
    public RateLimiter(int limit, Duration window, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
        this.limit = limit;
        this.window = requireNonNull(window, "window");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns a limiter of {@code limit}. */
    public RateLimiter(RateLimit limit, Clock clock) {
        this(requireNonNull(limit, "limit").events(), limit.window(), clock);
    }

    /** Returns whether one more event for {@code key} fits, and counts it if so. */
    public boolean tryAcquire(String key) {
        Instant now = clock.instant();
        if (windows.size() > MAX_KEYS) {
            windows.values().removeIf(w -> w.start.plus(window).isBefore(now));
        }
        boolean[] allowed = new boolean[1];
        windows.compute(key, (k, w) -> {
            Window current = w == null || w.start.plus(window).isBefore(now) ? new Window(now, 0) : w;
            allowed[0] = current.count < limit;
            return allowed[0] ? new Window(current.start, current.count + 1) : current;
        });
        return allowed[0];
    }

    /** Returns how many events {@code key} has left in its window. */
    public int remaining(String key) {
        Window w = windows.get(key);
        if (w == null || w.start.plus(window).isBefore(clock.instant())) {
            return limit;
        }
        return Math.max(0, limit - w.count);
    }

    private record Window(Instant start, int count) {}
}
