package dev.portless.connector.edge.tunnel;

import dev.portless.common.tls.KeyExchange;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors connected to this edge, by tunnel name, and picks one for a new stream.
 */
public final class TunnelRegistry {
    private static final Logger log = LoggerFactory.getLogger(TunnelRegistry.class);

    private final Map<String, List<ConnectorConnection>> byTunnel = new ConcurrentHashMap<>();

    void add(ConnectorConnection connection) {
        List<ConnectorConnection> list =
                byTunnel.computeIfAbsent(connection.tunnelName(), k -> new CopyOnWriteArrayList<>());
        list.add(connection);
        SslHandler ssl = connection.channel().pipeline().get(SslHandler.class);
        log.info(
                "Connector {} registered ({}); tunnel {} has {} connection(s)",
                connection,
                ssl == null ? "TLS" : KeyExchange.describe(ssl),
                connection.tunnelName(),
                list.size());
        connection.channel().closeFuture().addListener(f -> {
            list.remove(connection);
            log.info(
                    "Connector {} disconnected; tunnel {} has {} connection(s)",
                    connection,
                    connection.tunnelName(),
                    list.size());
        });
    }

    /**
     * Returns the connection of {@code tunnelName} with the fewest open streams, or empty when no
     * connector of that tunnel is online.
     */
    public Optional<ConnectorConnection> pick(String tunnelName) {
        return pick(tunnelName, null);
    }

    /**
     * Returns the connection of {@code tunnelName} with the fewest open streams among those served
     * by the event loop {@code near}, or among all of them when none is; empty when no connector of
     * that tunnel is online. A stream whose client connection and tunnel connection share a loop
     * is relayed without handing every buffer to another thread.
     */
    public Optional<ConnectorConnection> pick(String tunnelName, EventExecutor near) {
        List<ConnectorConnection> list = byTunnel.get(tunnelName);
        if (list == null) {
            return Optional.empty();
        }
        ConnectorConnection best = null;
        ConnectorConnection bestNear = null;
        for (ConnectorConnection c : list) {
            if (!c.acceptsStreams()) {
                continue;
            }
            if (best == null || c.openStreams() < best.openStreams()) {
                best = c;
            }
            if (c.channel().eventLoop() == near && (bestNear == null || c.openStreams() < bestNear.openStreams())) {
                bestNear = c;
            }
        }
        return Optional.ofNullable(bestNear != null ? bestNear : best);
    }

    /**
     * Returns the connection of {@code tunnelName} served by the connector process {@code instanceId}
     * with the fewest open streams (preferring those on the event loop {@code near}), or empty when
     * that process has none online: a resume must reach the process that holds its stream.
     */
    public Optional<ConnectorConnection> pickInstance(String tunnelName, String instanceId, EventExecutor near) {
        List<ConnectorConnection> list = byTunnel.get(tunnelName);
        if (list == null || instanceId.isEmpty()) {
            return Optional.empty();
        }
        ConnectorConnection best = null;
        for (ConnectorConnection c : list) {
            if (!c.channel().isActive() || !instanceId.equals(c.instanceId())) {
                continue;
            }
            boolean nearer = best != null
                    && c.channel().eventLoop() == near
                    && best.channel().eventLoop() != near;
            if (best == null || nearer || c.openStreams() < best.openStreams()) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Returns how many usable connections a tunnel has. */
    public int connections(String tunnelName) {
        List<ConnectorConnection> list = byTunnel.get(tunnelName);
        return list == null
                ? 0
                : (int) list.stream()
                        .filter(ConnectorConnection::acceptsStreams)
                        .count();
    }
}
