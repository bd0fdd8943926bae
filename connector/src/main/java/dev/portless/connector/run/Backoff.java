package dev.portless.connector.run;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential growth capped at a maximum, with full jitter, so connectors
 * that lost the same edge do not all come back in the same instant.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    // Touched from one connection's event loop only.
    private int attempt;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    /** Returns the delay before the next attempt: uniform in [initial/2, cap]. */
    long nextDelayMillis() {
        long cap = attempt >= 30 ? maxMillis : Math.min(maxMillis, initialMillis << attempt);
        attempt++;
        // Half the initial delay as a floor keeps a tight loop from hammering an edge that refuses.
        long floor = initialMillis / 2;
        return floor + ThreadLocalRandom.current().nextLong(Math.max(1, cap - floor + 1));
    }

    /** Starts again from the initial delay, after a connection registered. */
    void reset() {
        attempt = 0;
    }
}
