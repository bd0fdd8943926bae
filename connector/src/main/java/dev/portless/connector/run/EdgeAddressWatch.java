package dev.portless.connector.run;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel connections to every address of one edge name, following its DNS answer: an address that
 * appears gets its connections, one that disappears gets GOAWAY (no new streams) and is closed once its
 * streams end. The name is looked up again every {@code edge-dns-refresh} and whenever a connection drops.
 */
final class EdgeAddressWatch {
    private static final Logger log = LoggerFactory.getLogger(EdgeAddressWatch.class);

    private final EdgeAddress edge;
    private final EdgeNames names;
    private final Function<InetAddress, List<TunnelClient>> dial;
    private final Function<TunnelClient, Boolean> forget;
    private final ScheduledExecutorService timer;
    // Touched on the timer's one thread only.
    private final Map<InetAddress, List<TunnelClient>> byAddress = new LinkedHashMap<>();
    private final List<TunnelClient> leaving = new ArrayList<>();
    private boolean stopped;
    private boolean failing;

    /**
     * Returns a watch of {@code edge}'s name that looks it up with {@code names} on {@code timer}'s thread, starts
     * connections to a new address with {@code dial} and hands a closed one to {@code forget}.
     */
    EdgeAddressWatch(
            EdgeAddress edge,
            EdgeNames names,
            Function<InetAddress, List<TunnelClient>> dial,
            Function<TunnelClient, Boolean> forget,
            ScheduledExecutorService timer) {
        this.edge = requireNonNull(edge, "edge");
        this.names = requireNonNull(names, "names");
        this.dial = requireNonNull(dial, "dial");
        this.forget = requireNonNull(forget, "forget");
        this.timer = requireNonNull(timer, "timer");
    }

    /** Looks the name up now and then every {@code refresh}. */
    void start(Duration refresh) {
        timer.scheduleWithFixedDelay(this::refresh, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks the name up again soon: a connection dropped, perhaps because its address went away. */
    void connectionLost() {
        timer.execute(this::refresh);
    }

    /** Stops following the name; the connections themselves are the runner's to drain and close. */
    void stop() {
        timer.execute(() -> stopped = true);
    }

    private void refresh() {
        if (stopped) {
            return;
        }
        try {
            follow();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log, and try at the next refresh.
            log.warn("Following the addresses of edge {} failed: {}", edge, e.toString());
        }
    }

    private void follow() {
        closeIdleLeavers();
        List<InetAddress> now;
        try {
            now = names.lookup(edge.host());
        } catch (UnknownHostException | RuntimeException e) {
            // Keep dialling what the name had: a DNS outage must not take the tunnel down.
            if (!failing) {
                failing = true;
                log.warn(
                        "Looking up edge {} failed ({}); keeping its {} address(es)",
                        edge,
                        e.getMessage(),
                        byAddress.size());
            }
            return;
        }
        if (failing) {
            failing = false;
            log.info("Edge {} resolves again", edge);
        }
        for (InetAddress address : now) {
            if (!byAddress.containsKey(address)) {
                log.info("Edge {} has address {}: dialling it", edge, address.getHostAddress());
                byAddress.put(address, dial.apply(address));
            }
        }
        for (Iterator<Map.Entry<InetAddress, List<TunnelClient>>> it =
                        byAddress.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<InetAddress, List<TunnelClient>> gone = it.next();
            if (!now.contains(gone.getKey())) {
                log.info(
                        "Edge {} no longer has address {}: no new streams there, closing once its streams end",
                        edge,
                        gone.getKey().getHostAddress());
                gone.getValue().forEach(TunnelClient::drain);
                leaving.addAll(gone.getValue());
                it.remove();
            }
        }
        closeIdleLeavers();
    }

    private void closeIdleLeavers() {
        for (Iterator<TunnelClient> it = leaving.iterator(); it.hasNext(); ) {
            TunnelClient client = it.next();
            if (client.idle()) {
                client.stop();
                forget.apply(client);
                it.remove();
            }
        }
    }
}
