package dev.portless.connector.edge.listener;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/**
 * One of the edge's TLS listeners, bound: its server channel, which accepts on {@code boss} with the
 * kernel queueing up to a backlog of connections, and hands each to {@code workers} with its initializer
 * (whose pipeline starts with a {@link TlsListenerHead}); its {@link HandshakeGate} stops the accepting
 * while too many handshakes are in progress.
 *
 * @param channel    the server channel
 * @param handshakes the gate of its handshakes in progress
 */
public record TlsListener(Channel channel, HandshakeGate handshakes) {
    /** Checks that neither part is null. */
    public TlsListener {
        requireNonNull(channel, "channel");
        requireNonNull(handshakes, "handshakes");
    }

    /**
     * Returns the listener bound to {@code address}; {@code handshakes} names it in errors.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static TlsListener bind(
            Transport transport,
            EventLoopGroup boss,
            EventLoopGroup workers,
            InetSocketAddress address,
            int backlog,
            HandshakeGate handshakes,
            ChannelHandler initializer) {
        requireNonNull(transport, "transport");
        requireNonNull(address, "address");
        requireNonNull(handshakes, "handshakes");
        ServerBootstrap b = new ServerBootstrap()
                .group(requireNonNull(boss, "boss"), requireNonNull(workers, "workers"))
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(handshakes)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(requireNonNull(initializer, "initializer"));
        try {
            return new TlsListener(b.bind(address).sync().channel(), handshakes);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot listen for " + handshakes.listener() + " connections on " + address + ": " + e.getMessage()
                            + "; is another process using that port?",
                    e);
        }
    }

    /** Returns the address it listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }
}
