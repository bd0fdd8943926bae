package dev.portless.connector.run;

import static java.util.Objects.requireNonNull;

import dev.portless.common.admin.Readiness;
import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.tls.TlsContexts;
import dev.portless.common.wire.StreamEnd;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.ingress.IngressRules;
import dev.portless.connector.origin.OriginProxy;
import dev.portless.connector.reload.ReloadOutcome;
import dev.portless.connector.run.session.StreamSessions;
import dev.portless.connector.run.token.StreamTokenCheck;
import dev.portless.connector.token.AppTokenVerifier;
import dev.portless.connector.token.EdgeKeys;
import dev.portless.connector.token.ObservedTokenVerifier;
import dev.portless.connector.tunnel.TunnelCredentials;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code connector run}: {@code ha-connections} outbound tunnel connections to
 * every configured edge, serving streams by the ingress rules. It never listens on a port.
 */
public final class ConnectorRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectorRunner.class);

    // The settings the connector started with: all but the ingress rules stay until a restart.
    private final ConnectorConfig config;
    // The last file a reload applied; only reloads, on one thread at a time, touch it.
    private ConnectorConfig reloaded;
    private final EventLoopGroup group;
    private final ExecutorService resolver;
    private final StreamCounter streams = new StreamCounter();
    // Read by the admin listener's threads while start() appends.
    private final List<TunnelClient> clients = new CopyOnWriteArrayList<>();
    // Every proxy built, the current one last: a reload keeps the old ones for their open requests.
    private final List<OriginProxy> proxies = new CopyOnWriteArrayList<>();
    private final List<EdgeAddressWatch> watches = new CopyOnWriteArrayList<>();
    // Follows the addresses of edge names; its one thread may block on a look-up, never an event loop.
    private final ScheduledExecutorService watchTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "connector-edge-dns");
        t.setDaemon(true);
        return t;
    });
    private final EdgeNames edgeNames;
    private volatile StreamRoutes routes;
    private Function<IngressRules, StreamRoutes> routesOf;
    private StreamSessions sessions;
    private String tunnelName;

    private ConnectorRunner(ConnectorConfig config, EventLoopGroup group, ExecutorService resolver) {
        this.config = config;
        this.reloaded = config;
        this.group = group;
        this.resolver = resolver;
        this.edgeNames = EdgeNames.of(config);
    }

    /** Returns a connector that has started dialing its edges with {@code credentials}. */
    public static ConnectorRunner start(ConnectorConfig config, TunnelCredentials credentials) {
        return start(config, credentials, Optional.empty());
    }

    /**
     * Returns a connector that has started dialing its edges with {@code credentials}, with its
     * metrics in {@code metrics} when given.
     */
    public static ConnectorRunner start(
            ConnectorConfig config, TunnelCredentials credentials, Optional<PrometheusRegistry> metrics) {
        requireNonNull(config, "config");
        requireNonNull(credentials, "credentials");
        requireNonNull(metrics, "metrics");
        SslContext tls = TlsContexts.client(config.edgeCaFile(), TunnelProtocol.ALPN);
        Transport transport = Transport.best();
        log.info("{}; transport: {}", TlsContexts.describeProvider(), transport);
        EventLoopGroup group = transport.newGroup(0, "connector");
        // Name lookups may block, so they never run on an event loop.
        ExecutorService resolver = new ThreadPoolExecutor(
                1,
                ConnectorLimits.RESOLVER_THREADS,
                ConnectorLimits.RESOLVER_THREAD_IDLE.toMillis(),
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "connector-resolver");
                    t.setDaemon(true);
                    return t;
                });
        ConnectorRunner runner = new ConnectorRunner(config, group, resolver);
        ConnectorMetrics counters = new ConnectorMetrics(metrics.orElseGet(PrometheusRegistry::new), runner.clients);
        runner.tunnelName = credentials.tunnelName();
        StreamTokenCheck tokens = new StreamTokenCheck(
                new ObservedTokenVerifier(
                        new AppTokenVerifier(config.edgeIssuer(), Clock.systemUTC(), AppTokenVerifier.DEFAULT_SKEW),
                        counters::tokenChecked),
                EdgeKeys.fetchingFrom(config.edgeJwksUrl(), config.edgeCaFile(), resolver));
        // Fetch the keys before the first stream needs them; a failure is logged and retried on demand.
        tokens.keys().refresh();
        HostResolver names = new HostResolver(resolver);
        StreamGate gate = new StreamGate(runner.streams, tokens);
        // One set of resumable sessions for the process: a reload swaps the routes, not the streams.
        StreamSessions sessions = new StreamSessions(
                config.resumeDetachWindow(), ConnectorLimits.RESUME_REPLAY_BUFFER, ConnectorLimits.RESUME_REPLAY_CAP);
        runner.sessions = sessions;
        runner.routesOf = ingress -> {
            TargetDialer dialer = new TargetDialer(ingress, transport, names, runner.streams, gate, counters, sessions);
            OriginProxy proxy =
                    new OriginProxy(ingress, transport, names, ConnectorLimits.ORIGIN, ConnectorLimits.ORIGIN_H2);
            runner.proxies.add(proxy);
            return new StreamRoutes(dialer, new WebStreams(ingress, gate, dialer, proxy, runner.streams));
        };
        runner.routes = runner.routesOf.apply(config.ingress());
        ConnectorIdentity identity = new ConnectorIdentity(connectorName(), sessions.instanceId());
        AtomicInteger n = new AtomicInteger();
        // A connection to edge, dialling the one address given (else resolving the edge's host each time).
        BiFunction<EdgeAddress, Optional<InetAddress>, Function<Runnable, TunnelClient>> connection =
                (edge, address) -> onLost -> new TunnelClient(
                        "conn " + n.getAndIncrement()
                                + address.map(a -> " (" + a.getHostAddress() + ")")
                                        .orElse(""),
                        edge,
                        config,
                        tls,
                        transport,
                        group.next(),
                        credentials,
                        identity,
                        runner::routes,
                        names,
                        address,
                        onLost);
        for (EdgeAddress edge : config.edges()) {
            if (EdgeNames.isName(edge.host())) {
                // A name may have several addresses, each an edge of its own: dial them all and follow the answer.
                EdgeAddressWatch[] watch = new EdgeAddressWatch[1];
                watch[0] = new EdgeAddressWatch(
                        edge,
                        runner.edgeNames,
                        address -> runner.dial(
                                config.connectionsPerEdge(),
                                () -> connection
                                        .apply(edge, Optional.of(address))
                                        .apply(() -> watch[0].connectionLost())),
                        runner.clients::remove,
                        runner.watchTimer);
                runner.watches.add(watch[0]);
                watch[0].start(config.edgeDnsRefresh());
                continue;
            }
            runner.dial(
                    config.connectionsPerEdge(),
                    () -> connection.apply(edge, Optional.empty()).apply(() -> {}));
        }
        log.info(
                "Connector {} started for tunnel {}: {} connection(s) to {}; {} ingress rule(s)",
                identity.name(),
                credentials.tunnelName(),
                runner.clients.size(),
                config.edges(),
                config.ingress().rules().size());
        return runner;
    }

    /**
     * Returns whether an edge may send this connector streams: not while draining, nor before
     * one of its tunnel connections is registered.
     */
    public Readiness readiness() {
        return () -> {
            if (streams.draining()) {
                return Optional.of("draining: finishing open streams and taking no new ones");
            }
            return clients.stream().anyMatch(TunnelClient::registered)
                    ? Optional.empty()
                    : Optional.of("no tunnel connection to an edge is registered");
        };
    }

    /** Returns the number of streams being carried now. */
    public int openStreams() {
        return streams.open();
    }

    /**
     * Drains: tells every edge to open no new streams here, waits up to the grace period for open
     * streams to end, then closes.
     */
    public void drainAndClose(Duration grace) {
        streams.startDraining();
        watches.forEach(EdgeAddressWatch::stop);
        clients.forEach(TunnelClient::drain);
        long deadline = System.nanoTime() + grace.toNanos();
        log.info("Draining: {} open stream(s), waiting up to {} s", streams.open(), grace.toSeconds());
        while (streams.open() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(ConnectorLimits.DRAIN_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (streams.open() > 0) {
            log.warn("Grace period over: ending {} open stream(s)", streams.open());
            // Each stream's reason goes to the edge in its trailers before the connections close.
            StreamAbort abort = StreamAbort.of(StreamEnd.CONNECTOR_DRAINING, tunnelName);
            streams.endAll(abort);
            sessions.endAll(abort);
            long flushDeadline = System.nanoTime() + ConnectorLimits.DRAIN_FLUSH.toNanos();
            while (streams.open() > 0 && System.nanoTime() < flushDeadline) {
                try {
                    Thread.sleep(ConnectorLimits.DRAIN_POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
    }

    /** Starts {@code count} connections made by {@code connection} and returns them. */
    private List<TunnelClient> dial(int count, Supplier<TunnelClient> connection) {
        List<TunnelClient> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TunnelClient client = connection.get();
            clients.add(client);
            started.add(client);
            client.start();
        }
        return started;
    }

    private StreamRoutes routes() {
        return routes;
    }

    /**
     * Reads {@code file} again and serves new streams by its ingress rules; streams open now keep the rules they
     * were matched by. The other settings (edges, credentials, limits) are kept until the next start and named in
     * the outcome. An invalid file, or a rule whose origin TLS set-up cannot be built, changes nothing. Reads
     * files: call it off the event loops.
     */
    public ReloadOutcome reload(Path file) {
        requireNonNull(file, "file");
        ConnectorConfig fresh;
        StreamRoutes next;
        try {
            fresh = ConnectorConfig.load(file);
            next = routesOf.apply(fresh.ingress());
        } catch (RuntimeException e) {
            return ReloadOutcome.refused(file, e.getMessage());
        }
        ConnectorConfig old = reloaded;
        reloaded = fresh;
        routes = next;
        return ReloadOutcome.applied(
                file,
                "Reloaded the ingress rules: " + fresh.ingress().rules().size() + " rule(s) for new streams",
                ConnectorReloadChanges.ingress(old, fresh),
                ConnectorReloadChanges.restartOnly(config, fresh));
    }

    /** Returns the configured grace period for draining. */
    public Duration gracePeriod() {
        return config.gracePeriod();
    }

    @Override
    public void close() {
        watchTimer.shutdownNow();
        clients.forEach(TunnelClient::stop);
        group.shutdownGracefully(0, ConnectorLimits.SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .syncUninterruptibly();
        resolver.shutdownNow();
        edgeNames.close();
        proxies.forEach(OriginProxy::close);
    }

    private static String connectorName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
