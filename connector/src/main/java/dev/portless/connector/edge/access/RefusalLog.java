package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of refusals under a limit: one line per kind and key (a client address or an identity) at
 * most once a second, with how many were refused since the last line. Under attack one line per
 * refusal would flood the log and cost more than the refusal itself.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);
    /** Keys kept before the quiet ones are forgotten, so many addresses cannot grow the map for ever. */
    private static final int MAX_KEYS = 10_000;

    private final LongSupplier nanoClock;
    private final ConcurrentMap<String, Tally> tallies = new ConcurrentHashMap<>();

    /** Returns a log that reads the time from {@code nanoClock} (as {@link System#nanoTime} counts). */
    RefusalLog(LongSupplier nanoClock) {
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    /** Counts one refusal of {@code what} for {@code who}, and logs the count if a second has passed. */
    void refused(String what, String who) {
        long now = nanoClock.getAsLong();
        if (tallies.size() >= MAX_KEYS) {
            tallies.values().removeIf(t -> t.quietSince(now));
        }
        Tally tally = tallies.computeIfAbsent(what + " " + who, k -> new Tally(now - INTERVAL));
        long count = tally.count(now);
        if (count > 0) {
            log.warn("Refused {} {} for {} in the last second: over the edge's limit", count, what, who);
        }
    }

    /** Returns how many refusals of {@code what} for {@code who} wait for the next line (for tests). */
    long pending(String what, String who) {
        Tally tally = tallies.get(what + " " + who);
        return tally == null ? 0 : tally.pending();
    }

    /** The refusals of one kind and key since its last line. */
    private static final class Tally {
        private long lastLine;
        private long pending;

        Tally(long lastLine) {
            this.lastLine = lastLine;
        }

        /** Counts one refusal at {@code now}; returns the count to log, or 0 within the second. */
        synchronized long count(long now) {
            pending++;
            if (now - lastLine < INTERVAL) {
                return 0;
            }
            long count = pending;
            pending = 0;
            lastLine = now;
            return count;
        }

        synchronized long pending() {
            return pending;
        }

        synchronized boolean quietSince(long now) {
            return now - lastLine >= 60 * INTERVAL;
        }
    }
}
