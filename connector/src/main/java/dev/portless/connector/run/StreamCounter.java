package dev.portless.connector.run;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The number of streams this connector is carrying, and whether it still takes new ones.
 */
final class StreamCounter {
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean draining;

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }
}
