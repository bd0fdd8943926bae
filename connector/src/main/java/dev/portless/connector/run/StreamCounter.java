package dev.portless.connector.run;

import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The number of streams this connector is carrying, whether it still takes new ones, and the TCP
 * streams' relays, so the end of a drain can give each its reason.
 */
final class StreamCounter {
    private final AtomicInteger open = new AtomicInteger();
    private final Set<RelayPair> relays = ConcurrentHashMap.newKeySet();
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

    /** Keeps {@code pair} until it ends, for {@link #endAll}. */
    void track(RelayPair pair) {
        relays.add(pair);
        pair.done().whenComplete((r, t) -> relays.remove(pair));
    }

    /** Ends every tracked stream with {@code abort}. */
    void endAll(StreamAbort abort) {
        relays.forEach(pair -> pair.abort(abort));
    }
}
