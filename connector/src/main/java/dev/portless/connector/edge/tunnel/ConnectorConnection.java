package dev.portless.connector.edge.tunnel;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered tunnel connection from a connector, on which the edge opens streams.
 */
public final class ConnectorConnection {
    private final Channel channel;
    private final String tunnelName;
    private final String connectorName;
    private final String instanceId;
    private final AtomicInteger openStreams = new AtomicInteger();
    private volatile boolean draining;

    ConnectorConnection(Channel channel, String tunnelName, String connectorName, String instanceId) {
        this.channel = channel;
        this.tunnelName = tunnelName;
        this.connectorName = connectorName;
        this.instanceId = instanceId;
    }

    /** Returns the HTTP/2 parent channel. */
    public Channel channel() {
        return channel;
    }

    /** Returns the name of the tunnel this connector serves. */
    public String tunnelName() {
        return tunnelName;
    }

    /** Returns the connector's name for logs. */
    public String connectorName() {
        return connectorName;
    }

    /** Returns the connector process's instance id (empty from connectors that send none). */
    public String instanceId() {
        return instanceId;
    }

    /** Returns whether new streams may be opened here (connected, and no GOAWAY received). */
    public boolean acceptsStreams() {
        return channel.isActive() && !draining;
    }

    /** Returns the number of streams open on this connection. */
    public int openStreams() {
        return openStreams.get();
    }

    void markDraining() {
        draining = true;
    }

    void streamOpened() {
        openStreams.incrementAndGet();
    }

    void streamClosed() {
        openStreams.decrementAndGet();
    }

    @Override
    public String toString() {
        return connectorName + " (tunnel " + tunnelName + ", " + channel.remoteAddress() + ")";
    }
}
