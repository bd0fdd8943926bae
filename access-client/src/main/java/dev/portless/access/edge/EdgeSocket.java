package dev.portless.access.edge;

import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The TCP and TLS connection to the edge that every stream starts from, whichever way it then
 * travels: the edge's name looked up off the event loop, a connect with the user's timeout, and TLS
 * verified against the edge's name with the same timeout for its handshake.
 */
final class EdgeSocket {
    private final EdgeEndpoint edge;
    private final Transport transport;
    private final HostResolver resolver;
    private final Duration connectTimeout;

    EdgeSocket(EdgeEndpoint edge, Transport transport, HostResolver resolver, Duration connectTimeout) {
        this.edge = edge;
        this.transport = transport;
        this.resolver = resolver;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Connects on {@code loop} with {@code initializer}'s pipeline; {@code onFailure} hears, as an
     * {@link AccessException}, a name that does not resolve or a connect that fails.
     */
    void connect(EventLoop loop, ChannelInitializer<Channel> initializer, Consumer<AccessException> onFailure) {
        Future<InetSocketAddress> address = resolver.resolve(loop, edge.host(), edge.port());
        address.addListener(resolved -> {
            if (!address.isSuccess()) {
                onFailure.accept(new AccessException(EdgeFailures.connect(address.cause(), edge, connectTimeout)));
                return;
            }
            new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                    .handler(initializer)
                    .connect(address.getNow())
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            onFailure.accept(
                                    new AccessException(EdgeFailures.connect(f.cause(), edge, connectTimeout)));
                        }
                    });
        });
    }

    /** Returns the TLS handler for a new connection on {@code ch}, checking the edge's name. */
    SslHandler tls(SslContext context, Channel ch) {
        SslHandler ssl = context.newHandler(ch.alloc(), edge.host(), edge.port());
        ssl.setHandshakeTimeoutMillis(connectTimeout.toMillis());
        return ssl;
    }
}
