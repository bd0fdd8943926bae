package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.common.admin.AdminCommand;
import dev.portless.common.config.Durations;
import dev.portless.common.net.Transport;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.tls.TlsContexts;
import dev.portless.common.wire.StreamEnd;
import dev.portless.connector.edge.access.AccessListenerInitializer;
import dev.portless.connector.edge.access.EdgeAuthenticator;
import dev.portless.connector.edge.access.StreamServices;
import dev.portless.connector.edge.audit.EdgeAuditLog;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.EdgeTokenVerifier;
import dev.portless.connector.edge.identity.token.SigningKeys;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.listener.HandshakeGate;
import dev.portless.connector.edge.listener.TlsListener;
import dev.portless.connector.edge.metrics.EdgeMetrics;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.signout.AdministratorSignOut;
import dev.portless.connector.edge.signout.LiveStreamSignOut;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.edge.store.PostgresEdgeStore;
import dev.portless.connector.edge.streams.OpenStreams;
import dev.portless.connector.edge.streams.StreamTimeouts;
import dev.portless.connector.edge.tunnel.StreamOpener;
import dev.portless.connector.edge.tunnel.TunnelAuthenticator;
import dev.portless.connector.edge.tunnel.TunnelListenerInitializer;
import dev.portless.connector.edge.tunnel.TunnelRegistry;
import dev.portless.connector.reload.ReloadOutcome;
import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.token.AppTokenVerifier;
import dev.portless.connector.token.ObservedTokenVerifier;
import dev.portless.connector.token.TokenVerifier;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code connector edge}: the public TLS listener for clients and the tunnel
 * listener for connectors.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);
    private static final long DRAIN_POLL_MILLIS = 100;
    private static final Duration DRAIN_FLUSH = Duration.ofSeconds(2);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel accessChannel;
    private final Channel tunnelChannel;
    private final TunnelRegistry registry;
    private final ExecutorService web;
    private final ScheduledExecutorService maintenance;
    private final EdgeStore store;
    private final Optional<EdgeAuditLog> audit;
    private final OpenStreams open;
    private final AdministratorSignOut signOut;
    private final LiveEdgeConfig live;
    private final EdgeWeb endpoints;

    private EdgeServer(
            EventLoopGroup boss,
            EventLoopGroup workers,
            Channel accessChannel,
            Channel tunnelChannel,
            TunnelRegistry registry,
            ExecutorService web,
            ScheduledExecutorService maintenance,
            EdgeStore store,
            Optional<EdgeAuditLog> audit,
            OpenStreams open,
            AdministratorSignOut signOut,
            LiveEdgeConfig live,
            EdgeWeb endpoints) {
        this.live = live;
        this.endpoints = endpoints;
        this.store = store;
        this.audit = audit;
        this.boss = boss;
        this.workers = workers;
        this.accessChannel = accessChannel;
        this.tunnelChannel = tunnelChannel;
        this.registry = registry;
        this.web = web;
        this.maintenance = maintenance;
        this.open = open;
        this.signOut = signOut;
    }

    /** Returns an edge listening on the configured addresses; throws when a port cannot be bound. */
    public static EdgeServer start(EdgeConfig config) {
        return start(config, Optional.empty());
    }

    /**
     * Returns an edge listening on the configured addresses, with its metrics in {@code metrics}
     * when given; throws when a port cannot be bound.
     */
    public static EdgeServer start(EdgeConfig config, Optional<PrometheusRegistry> metrics) {
        requireNonNull(config, "config");
        requireNonNull(metrics, "metrics");
        EdgeLimits limits = config.limits();
        // Everything a reload may change is read through this, once per request, stream or connection.
        LiveEdgeConfig live = new LiveEdgeConfig(EdgeSnapshot.of(config));
        Transport transport = Transport.best();
        log.info("{}; transport: {}", TlsContexts.describeProvider(), transport);

        Clock clock = Clock.systemUTC();
        // Several edges of one service share sign-in state through PostgreSQL; one edge keeps it in memory,
        // its revocations and sign-outs also in its state directory.
        EdgeStore store = config.store()
                .<EdgeStore>map(PostgresEdgeStore::open)
                .orElseGet(() -> InMemoryEdgeStore.keptIn(config.stateDir(), clock));
        // A retired key stays published while tokens it signed may still be in use.
        SigningKeys keys = config.store().isPresent()
                ? SigningKeys.shared(
                        store,
                        config.signingKeyRotation(),
                        config.longestAppSession().plusHours(1),
                        clock)
                : SigningKeys.open(
                        config.stateDir(),
                        config.signingKeyRotation(),
                        config.longestAppSession().plusHours(1),
                        clock);
        TunnelRegistry registry = new TunnelRegistry();
        List<HandshakeGate> handshakes = List.of(
                new HandshakeGate("client", EdgeLimits.HANDSHAKES_IN_PROGRESS),
                new HandshakeGate("tunnel", EdgeLimits.HANDSHAKES_IN_PROGRESS));
        Optional<EdgeAuditLog> audit = config.audit().on()
                ? Optional.of(EdgeAuditLog.open(config.audit(), clock, limits.auditQueue()))
                : Optional.empty();
        EdgeEvents events = EdgeEvents.all(observers(config, metrics, registry, handshakes, audit));
        AppTokenIssuer issuer = new AppTokenIssuer(config.issuer(), keys, clock, events);
        Map<String, AppRoute> apps = live.apps();
        Function<String, Optional<AppRoute>> lookup =
                host -> Optional.ofNullable(live.current().apps().get(host));
        // One verifier for every check of an app token at this edge: streams, web requests and SSH
        // certificates; it refuses the tokens a replayed code revoked.
        TokenRevocations revocations = new TokenRevocations(clock, store);
        if (config.store().isEmpty()) {
            // What an earlier run kept in the state directory; a shared store's refresh runs every second.
            revocations.refresh();
        }
        TokenVerifier verifier = new ObservedTokenVerifier(
                new EdgeTokenVerifier(
                        new AppTokenVerifier(config.issuer(), clock, AppTokenVerifier.DEFAULT_SKEW), revocations),
                events::tokenChecked);
        EdgeAuthenticator authenticator = new EdgeAuthenticator(
                issuer, verifier, keys::publicKeys, () -> live.current().serviceTokens(), clock);
        // Sign-in pages and OAuth run here, never on an event loop; a full queue answers 503.
        ThreadPoolExecutor web = new ThreadPoolExecutor(
                limits.webWorkers(),
                limits.webWorkers(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.webQueue()),
                daemon("edge-web"));
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(daemon("edge-keys"));
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        keys.rotateIfDue();
                    } catch (RuntimeException e) {
                        log.error("Signing key rotation failed: {}", e.getMessage());
                    }
                },
                10,
                10,
                TimeUnit.MINUTES);
        if (config.store().isPresent()) {
            scheduleSharedState(maintenance, keys, revocations);
        }
        EdgeWeb endpoints = EdgeWeb.create(
                config, limits, apps, live.sshRules(), keys, issuer, verifier, revocations, store, clock, events, web);
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        endpoints.sweep();
                    } catch (RuntimeException e) {
                        log.error("Sweeping expired sign-in state failed: {}", e.toString());
                    }
                },
                1,
                1,
                TimeUnit.MINUTES);
        OpenStreams open = new OpenStreams(app -> live.current().timeouts().getOrDefault(app, StreamTimeouts.NONE));
        LiveStreamSignOut.enforce(revocations, open, events);
        // A sign-out outlives every token and browser session it refuses, and the verifiers' clock skew.
        // The apps and service tokens it may name are the current ones: a reload changes them.
        AdministratorSignOut signOut = new AdministratorSignOut(
                revocations,
                apps.keySet(),
                clientId -> live.current().config().serviceTokens().stream()
                        .filter(t -> t.clientId().equals(clientId))
                        .map(t -> t.name())
                        .findFirst(),
                max(config.longestAppSession(), config.browserSessionDuration()).plusMinutes(2));
        StreamServices services = new StreamServices(
                lookup,
                authenticator,
                registry,
                new StreamOpener(limits.streamOpenTimeout()),
                new AtomicLong(),
                config.issuer(),
                endpoints.router(),
                events,
                open);
        TunnelAuthenticator tunnels = (id, secret) -> live.current().config().tunnels().stream()
                .filter(t -> t.id().toString().equalsIgnoreCase(id) && SecretHash.matches(secret, t.secretSha256()))
                .map(t -> t.name())
                .findFirst();

        EventLoopGroup boss = transport.newGroup(1, "edge-accept");
        // One loop per core, not Netty's two: the loops never block. A client connection accepted on
        // the loop of a tunnel connection is relayed there (TunnelRegistry.pick) with no thread
        // hand-off per buffer; fewer loops make that likelier (always, with one tunnel connection per core).
        EventLoopGroup workers = transport.newGroup(Runtime.getRuntime().availableProcessors(), "edge");
        try {
            Channel access = TlsListener.bind(
                            transport,
                            boss,
                            workers,
                            config.listen(),
                            limits.acceptBacklog(),
                            handshakes.get(0),
                            new AccessListenerInitializer(() -> live.current().accessTls(), services, limits))
                    .channel();
            Channel tunnel = TlsListener.bind(
                            transport,
                            boss,
                            workers,
                            config.tunnelListen(),
                            limits.acceptBacklog(),
                            handshakes.get(1),
                            new TunnelListenerInitializer(() -> live.current().tunnelTls(), tunnels, registry, limits))
                    .channel();
            log.info(
                    "Edge listening for clients on {} and for connectors on {}; {} app(s), {} tunnel(s); issuer {}",
                    access.localAddress(),
                    tunnel.localAddress(),
                    apps.size(),
                    config.tunnels().size(),
                    config.issuer());
            return new EdgeServer(
                    boss,
                    workers,
                    access,
                    tunnel,
                    registry,
                    web,
                    maintenance,
                    store,
                    audit,
                    open,
                    signOut,
                    live,
                    endpoints);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            web.shutdownNow();
            maintenance.shutdownNow();
            store.close();
            audit.ifPresent(EdgeAuditLog::close);
            throw e;
        }
    }

    /**
     * Keeps this edge in step with the others sharing the store: revocations made elsewhere every second, keys
     * another edge added or rotated every minute. A store outage is logged once per outage, not every second.
     */
    private static void scheduleSharedState(
            ScheduledExecutorService maintenance, SigningKeys keys, TokenRevocations revocations) {
        AtomicBoolean failing = new AtomicBoolean();
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        revocations.refresh();
                        if (failing.compareAndSet(true, false)) {
                            log.info("The edge's store answers again");
                        }
                    } catch (RuntimeException e) {
                        if (failing.compareAndSet(false, true)) {
                            log.warn("{}", e.getMessage());
                        }
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        maintenance.scheduleWithFixedDelay(
                () -> {
                    try {
                        keys.rotateIfDue();
                    } catch (RuntimeException e) {
                        log.warn("Reading the shared signing keys failed: {}", e.getMessage());
                    }
                },
                1,
                1,
                TimeUnit.MINUTES);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static List<EdgeEvents> observers(
            EdgeConfig config,
            Optional<PrometheusRegistry> metrics,
            TunnelRegistry registry,
            List<HandshakeGate> handshakes,
            Optional<EdgeAuditLog> audit) {
        List<EdgeEvents> observers = new ArrayList<>();
        metrics.ifPresent(m -> observers.add(new EdgeMetrics(
                m, config.tunnels().stream().map(t -> t.name()).toList(), registry::connections, handshakes)));
        audit.ifPresent(observers::add);
        return observers.isEmpty() ? List.of(EdgeEvents.NONE) : observers;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Returns the admin command that signs an identity out ({@code connector revoke}). */
    public AdminCommand signOutCommand() {
        return signOut;
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

    /**
     * Reads {@code file} again: new streams, requests and TLS connections see its apps, policies, service tokens,
     * tunnels and certificate, and new sign-ins its identity providers; open ones keep theirs. An invalid file, or a
     * provider that cannot be made, changes nothing and the outcome names its first mistake with its line; settings
     * that need a restart are kept and named in the outcome. Reads files and may fetch an OIDC provider's discovery
     * document: call it off the event loops (SIGHUP's thread is).
     */
    public ReloadOutcome reload(Path file) {
        return live.reload(requireNonNull(file, "file"), endpoints::prepareProviders);
    }

    /** Returns whether the edge is draining: ready for no new streams (what a readiness check reports). */
    public boolean draining() {
        return open.draining();
    }

    /**
     * Drains, then closes: stops listening and taking new streams, sends GOAWAY to HTTP/2 clients,
     * lets open streams finish for up to {@code timeout}, then ends the rest with
     * {@link StreamEnd#EDGE_DRAINING} so each client knows why. Blocks; call it off the event loops.
     */
    public void drainAndClose(Duration timeout) {
        requireNonNull(timeout, "timeout");
        open.startDraining();
        accessChannel.close().syncUninterruptibly();
        log.info(
                "Draining: no new connections or streams; {} open stream(s), waiting up to {}",
                open.count(),
                Durations.format(timeout));
        awaitNoStreams(timeout);
        if (open.count() > 0) {
            log.warn("Drain timeout over: ending {} open stream(s)", open.count());
            open.endAll(StreamAbort.of(StreamEnd.EDGE_DRAINING));
            // Let each stream's reason reach its client before the connections close.
            awaitNoStreams(DRAIN_FLUSH);
        }
        open.closeConnections();
        close();
    }

    /** Waits up to {@code timeout} for the open streams to end. */
    private void awaitNoStreams(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (open.count() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(DRAIN_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        web.shutdownNow();
        maintenance.shutdownNow();
        store.close();
        audit.ifPresent(EdgeAuditLog::close);
    }
}
