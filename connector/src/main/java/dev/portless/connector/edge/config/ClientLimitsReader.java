package dev.portless.connector.edge.config;

import dev.portless.common.config.ConfigNode;
import java.util.Set;

/**
 * The reader of the {@code limits} section of {@code edge.yml}: the client flood limits, each
 * optional, defaulting to {@link EdgeLimits#DEFAULTS}.
 *
 * <pre>{@code
 * limits:
 *   connections-per-client: 1024     # open connections from one address
 *   stream-opens-per-client: 256     # WebSocket and CONNECT streams being opened from one address
 *   streams-per-identity: 4096       # open WebSocket and CONNECT streams of one user or service token
 *   web-requests-per-client: 1024    # web-app requests in flight from one address
 *   web-requests-per-identity: 4096  # web-app requests in flight of one user or service token
 * }</pre>
 */
final class ClientLimitsReader {
    /** Above this a limit no longer guards anything: one address could take the edge's descriptors. */
    private static final int MAX = 1_000_000;

    private static final Set<String> KEYS = Set.of(
            "connections-per-client",
            "stream-opens-per-client",
            "streams-per-identity",
            "web-requests-per-client",
            "web-requests-per-identity");

    private ClientLimitsReader() {}

    /** Returns the edge's limits with those {@code root}'s {@code limits} section sets. */
    static EdgeLimits read(ConfigNode root) {
        EdgeLimits d = EdgeLimits.DEFAULTS;
        return root.optionalChild("limits")
                .map(node -> {
                    node.rejectUnknownKeys(KEYS);
                    return d.withClientLimits(
                            node.intValue("connections-per-client", d.connectionsPerClient(), 1, MAX),
                            node.intValue("stream-opens-per-client", d.streamOpensPerClient(), 1, MAX),
                            node.intValue("streams-per-identity", d.streamsPerIdentity(), 1, MAX),
                            node.intValue("web-requests-per-client", d.webRequestsPerClient(), 1, MAX),
                            node.intValue("web-requests-per-identity", d.webRequestsPerIdentity(), 1, MAX));
                })
                .orElse(d);
    }
}
