package dev.portless.connector.edge;

import dev.portless.common.net.Transport;
import dev.portless.common.secret.SecretHash;
import dev.portless.common.tls.TlsContexts;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.access.AccessListenerInitializer;
import dev.portless.connector.edge.access.AppRoute;
import dev.portless.connector.edge.access.ServiceToken;
import dev.portless.connector.edge.access.ServiceTokenAuthenticator;
import dev.portless.connector.edge.access.StreamServices;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.tunnel.StreamOpener;
import dev.portless.connector.edge.tunnel.TunnelAuthenticator;
import dev.portless.connector.edge.tunnel.TunnelListenerInitializer;
import dev.portless.connector.edge.tunnel.TunnelRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Returns a running {@code connector edge}: the public TLS listener for clients and the tunnel
 * listener for connectors.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);
    /** How long the edge waits for a connector to dial a target; above any rule's connect timeout. */
    private static final Duration STREAM_ANSWER_TIMEOUT = Duration.ofMinutes(5).plusSeconds(10);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel accessChannel;
    private final Channel tunnelChannel;
    private final TunnelRegistry registry;

    private EdgeServer(EventLoopGroup boss, EventLoopGroup workers, Channel accessChannel, Channel tunnelChannel,
                       TunnelRegistry registry) {
        this.boss = boss;
        this.workers = workers;
        this.accessChannel = accessChannel;
        this.tunnelChannel = tunnelChannel;
        this.registry = registry;
    }

    /** Returns an edge listening on the configured addresses; throws when a port cannot be bound. */
    public static EdgeServer start(EdgeConfig config) {
        requireNonNull(config, "config");
        SslContext accessTls = TlsContexts.server(config.tlsCertificate(), config.tlsKey(), "http/1.1");
        SslContext tunnelTls = TlsContexts.server(config.tlsCertificate(), config.tlsKey(), TunnelProtocol.ALPN);
        Transport transport = Transport.best();
        log.info("{}; transport: {}", TlsContexts.describeProvider(), transport);

        TunnelRegistry registry = new TunnelRegistry();
        Map<String, AppRoute> apps = config.apps().stream().collect(Collectors.toUnmodifiableMap(
                a -> a.hostname(), a -> new AppRoute(a.hostname(), a.tunnel(), new HashSet<>(a.serviceTokens()))));
        Function<String, Optional<AppRoute>> lookup = host -> Optional.ofNullable(apps.get(host));
        ServiceTokenAuthenticator tokens = new ServiceTokenAuthenticator(config.serviceTokens().stream()
                .map(t -> new ServiceToken(t.name(), t.clientId(), t.secretSha256())).toList());
        StreamServices services = new StreamServices(lookup, tokens, registry,
                new StreamOpener(STREAM_ANSWER_TIMEOUT), new AtomicLong());
        TunnelAuthenticator tunnels = (id, secret) -> config.tunnels().stream()
                .filter(t -> t.id().toString().equalsIgnoreCase(id) && SecretHash.matches(secret, t.secretSha256()))
                .map(t -> t.name())
                .findFirst();

        EventLoopGroup boss = transport.newGroup(1, "edge-accept");
        EventLoopGroup workers = transport.newGroup(0, "edge");
        try {
            Channel access = bind(transport, boss, workers, config.listen(),
                    new AccessListenerInitializer(accessTls, services), "client");
            Channel tunnel = bind(transport, boss, workers, config.tunnelListen(),
                    new TunnelListenerInitializer(tunnelTls, tunnels, registry), "tunnel");
            log.info("Edge listening for clients on {} and for connectors on {}; {} app(s), {} tunnel(s)",
                    access.localAddress(), tunnel.localAddress(), apps.size(), config.tunnels().size());
            return new EdgeServer(boss, workers, access, tunnel, registry);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel bind(Transport transport, EventLoopGroup boss, EventLoopGroup workers,
                                InetSocketAddress address, ChannelHandler initializer, String what) {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        try {
            return b.bind(address).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen for " + what + " connections on " + address + ": "
                    + e.getMessage() + "; is another process using that port?", e);
        }
    }

    /** Returns the address clients connect to. */
    public InetSocketAddress accessAddress() {
        return (InetSocketAddress) accessChannel.localAddress();
    }

    /** Returns the address connectors dial. */
    public InetSocketAddress tunnelAddress() {
        return (InetSocketAddress) tunnelChannel.localAddress();
    }

    /** Returns the registry of connected connectors. */
    public TunnelRegistry registry() {
        return registry;
    }

    /** Returns a future that completes when the listeners close. */
    public ChannelFuture closeFuture() {
        return accessChannel.closeFuture();
    }

    @Override
    public void close() {
        accessChannel.close().syncUninterruptibly();
        tunnelChannel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
