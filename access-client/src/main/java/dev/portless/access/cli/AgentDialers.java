package dev.portless.access.cli;

import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's edge dialers, one per edge setting (edge, CA, connect timeout, multiplexing), each
 * keeping its HTTP/2 connections open between fronts so that a new stream is one {@code CONNECT}.
 */
final class AgentDialers {
    private final Transport transport;
    private final Map<String, EdgeDialer> byKey = new ConcurrentHashMap<>();

    AgentDialers(Transport transport) {
        this.transport = transport;
    }

    /** Returns the transport of this agent's dialers: the loops they open streams on must be of it. */
    Transport transport() {
        return transport;
    }

    /** Returns the dialer for {@code location}'s settings in {@code env}, made on first use. */
    EdgeDialer dialer(EdgeLocation location, String hostname, Map<String, String> env) {
        return byKey.computeIfAbsent(
                location.dialerKey(hostname, env),
                key -> location.dialer(hostname, transport, env, AccessLimits.AGENT_IDLE_CONNECTION_CLOSE));
    }

    /** Returns the edges the agent has dialers for. */
    List<EdgeEndpoint> edges() {
        return byKey.values().stream().map(EdgeDialer::edge).distinct().toList();
    }
}
