package dev.portless.it.ha;

import dev.portless.it.harness.SignInStack.Echo;
import dev.portless.it.harness.TwoEdgeStack;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New streams opened back to back by a few clients for a bounded time, with one event (a kill)
 * part-way through: how many were opened, how many failed, and how long after the event the last failed one
 * started (a stream started before the event may fail after it, while the machine is slow).
 *
 * @param total                       streams attempted
 * @param failures                    streams that did not echo
 * @param lastFailureAfterEventMillis how long after the event the last failed stream started, 0 when none did
 * @param perSecond                   streams opened per second
 */
record Load(int total, int failures, long lastFailureAfterEventMillis, double perSecond) {
    private static final int CLIENTS = 4;

    /** Runs the load against the listener on {@code port} for {@code length}, running {@code event} after {@code eventAt}. */
    static Load run(TwoEdgeStack stack, int port, String token, Duration length, Duration eventAt, Runnable event)
            throws Exception {
        AtomicInteger total = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong lastFailure = new AtomicLong();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        AtomicLong eventTime = new AtomicLong(Long.MAX_VALUE);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            Future<?>[] running = new Future<?>[CLIENTS];
            for (int c = 0; c < CLIENTS; c++) {
                running[c] = clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        total.incrementAndGet();
                        long started = System.nanoTime();
                        boolean ok;
                        try {
                            ok = stack.echoThrough(port, token, "ping").equals(new Echo(101, "ping"));
                        } catch (RuntimeException e) {
                            ok = false;
                        }
                        if (!ok) {
                            failures.incrementAndGet();
                            lastFailure.accumulateAndGet(started, Math::max);
                        }
                    }
                });
            }
            Thread.sleep(eventAt.toMillis());
            eventTime.set(System.nanoTime());
            event.run();
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        long after = lastFailure.get() > eventTime.get()
                ? Duration.ofNanos(lastFailure.get() - eventTime.get()).toMillis()
                : 0;
        double seconds = Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0;
        return new Load(total.get(), failures.get(), after, total.get() / seconds);
    }
}
