package dev.portless.connector.edge.tunnel;

import io.netty.channel.Channel;

/** Registers a tunnel connection a test made itself, as if a connector had dialed and registered. */
public final class TestConnectors {
    private TestConnectors() {}

    /** Returns the connection of {@code http2Client} (an HTTP/2 client channel) registered for {@code tunnel}. */
    public static ConnectorConnection register(TunnelRegistry registry, Channel http2Client, String tunnel) {
        ConnectorConnection connection = new ConnectorConnection(http2Client, tunnel, "test-connector", "");
        registry.add(connection);
        return connection;
    }
}
