package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.EdgeLimits;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The counts the client listener holds its abuse limits against, shared by every connection of one
 * edge: open connections and streams being opened per client address, open streams per identity (a
 * user, or a service token, whose identity is its own), web-app requests in flight per address and
 * per identity. Each refusal is counted in {@link RefusalLog}.
 * Every method is safe from any event loop.
 */
final class ClientLimits {
    private final EdgeLimits limits;
    private final RefusalLog refusals;
    private final ConcurrentMap<InetAddress, Integer> connections = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetAddress, Integer> opening = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> streams = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetAddress, Integer> clientRequests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> identityRequests = new ConcurrentHashMap<>();

    /** Returns counts held against {@code limits}, whose refusals go to {@code refusals}. */
    ClientLimits(EdgeLimits limits, RefusalLog refusals) {
        this.limits = requireNonNull(limits, "limits");
        this.refusals = requireNonNull(refusals, "refusals");
    }

    /** Returns counts held against {@code limits}, whose refusals are logged at most once a second per key. */
    ClientLimits(EdgeLimits limits) {
        this(limits, new RefusalLog(System::nanoTime));
    }

    /** Returns whether {@code client} may open one more connection; if so it counts until {@link #connectionClosed}. */
    boolean connectionOpened(InetAddress client) {
        return acquire(connections, client, limits.connectionsPerClient(), "connections");
    }

    void connectionClosed(InetAddress client) {
        release(connections, client);
    }

    /** Returns whether {@code client} may start opening one more stream; if so it counts until {@link #openEnded}. */
    boolean openStarted(InetAddress client) {
        return acquire(opening, client, limits.streamOpensPerClient(), "stream opens");
    }

    void openEnded(InetAddress client) {
        release(opening, client);
    }

    /** Returns whether {@code identity} may hold one more open stream; if so it counts until {@link #streamClosed}. */
    boolean streamOpened(String identity) {
        return acquire(streams, identity, limits.streamsPerIdentity(), "streams");
    }

    void streamClosed(String identity) {
        release(streams, identity);
    }

    /** Returns whether {@code client} may have one more web-app request in flight; if so it counts until {@link #clientRequestEnded}. */
    boolean clientRequestStarted(InetAddress client) {
        return acquire(clientRequests, client, limits.webRequestsPerClient(), "web requests");
    }

    void clientRequestEnded(InetAddress client) {
        release(clientRequests, client);
    }

    /** Returns whether {@code identity} may have one more web-app request in flight; if so it counts until {@link #identityRequestEnded}. */
    boolean identityRequestStarted(String identity) {
        return acquire(identityRequests, identity, limits.webRequestsPerIdentity(), "web requests");
    }

    void identityRequestEnded(String identity) {
        release(identityRequests, identity);
    }

    /** Returns the limits the counts are held against. */
    EdgeLimits limits() {
        return limits;
    }

    private <K> boolean acquire(ConcurrentMap<K, Integer> counts, K key, int limit, String what) {
        boolean[] admitted = {false};
        counts.compute(key, (k, n) -> {
            int held = n == null ? 0 : n;
            admitted[0] = held < limit;
            return admitted[0] ? held + 1 : n;
        });
        if (!admitted[0]) {
            // Named only when refused: an address's text is a new string each time.
            refusals.refused(what, key instanceof InetAddress a ? a.getHostAddress() : key.toString());
        }
        return admitted[0];
    }

    private static <K> void release(ConcurrentMap<K, Integer> counts, K key) {
        // Removed at zero, so an address that left holds no memory.
        counts.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    }
}
