package dev.portless.connector.edge.metrics;

import static java.util.Objects.requireNonNull;

import dev.portless.common.admin.EndReasonLabel;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.EndedStream;
import dev.portless.connector.edge.events.Refusal;
import dev.portless.connector.edge.events.SshCertificateIssue;
import dev.portless.connector.edge.events.TokenIssue;
import dev.portless.connector.edge.listener.HandshakeGate;
import dev.portless.connector.edge.policy.Identity;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The edge's metrics, named {@code portless_edge_*}. Bytes are counted once per stream, at its
 * end, so the relay's per-buffer path carries no instrumentation.
 */
public final class EdgeMetrics implements EdgeEvents {
    private static final double NANOS_PER_SECOND = 1e9;
    /** Set-up spans a token check, a hop to the connector and a dial: milliseconds to seconds. */
    private static final double[] SETUP_BOUNDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };

    private final Gauge streamsOpen;
    private final Counter streams;
    private final Counter bytes;
    private final Histogram setup;
    private final Counter refusals;
    private final Counter requests;
    private final Counter signIns;
    private final Counter tokensIssued;
    private final Counter tokenChecks;
    private final Counter sshCertificates;
    private final Histogram store;

    /**
     * Returns the edge's metrics in {@code registry}; {@code tunnels} names the configured tunnels
     * and {@code connections} counts the connector connections one of them has now; {@code handshakes}
     * are the gates of the edge's TLS listeners.
     */
    public EdgeMetrics(
            PrometheusRegistry registry,
            Collection<String> tunnels,
            ToIntFunction<String> connections,
            Collection<HandshakeGate> handshakes) {
        requireNonNull(registry, "registry");
        requireNonNull(tunnels, "tunnels");
        requireNonNull(connections, "connections");
        requireNonNull(handshakes, "handshakes");
        streamsOpen = Gauge.builder()
                .name("portless_edge_streams_open")
                .help("Streams being relayed now, by app.")
                .labelNames("app")
                .register(registry);
        streams = Counter.builder()
                .name("portless_edge_streams_total")
                .help("Streams that have ended, by app and end reason.")
                .labelNames("app", "end")
                .register(registry);
        bytes = Counter.builder()
                .name("portless_edge_stream_bytes_total")
                .help("Bytes relayed by ended streams, by app and direction (up: client to target).")
                .labelNames("app", "direction")
                .unit(Unit.BYTES)
                .register(registry);
        setup = Histogram.builder()
                .name("portless_edge_stream_setup_seconds")
                .help("Time from a stream request to the connector's answer that the target is connected.")
                .labelNames("app")
                .classicOnly()
                .classicUpperBounds(SETUP_BOUNDS)
                .register(registry);
        refusals = Counter.builder()
                .name("portless_edge_refusals_total")
                .help("Streams and web requests refused before reaching a target, by app and error code.")
                .labelNames("app", "error")
                .register(registry);
        requests = Counter.builder()
                .name("portless_edge_http_requests_total")
                .help("Web-app requests answered, by app and HTTP status.")
                .labelNames("app", "status")
                .register(registry);
        signIns = Counter.builder()
                .name("portless_edge_sign_ins_total")
                .help("Browser sign-ins, by identity provider and result.")
                .labelNames("provider", "result")
                .register(registry);
        tokensIssued = Counter.builder()
                .name("portless_edge_tokens_issued_total")
                .help("App tokens minted, by app.")
                .labelNames("app")
                .register(registry);
        tokenChecks = Counter.builder()
                .name("portless_edge_token_checks_total")
                .help("App-token checks, by result (valid, or why the token was refused).")
                .labelNames("result")
                .register(registry);
        sshCertificates = Counter.builder()
                .name("portless_edge_ssh_certificates_total")
                .help("SSH user certificates signed, by app.")
                .labelNames("app")
                .register(registry);
        store = Histogram.builder()
                .name("portless_edge_store_operation_seconds")
                .help("Time taken by operations of the shared store, by operation.")
                .labelNames("operation")
                .classicOnly()
                .classicUpperBounds(SETUP_BOUNDS)
                .register(registry);
        List<String> names = List.copyOf(tunnels);
        GaugeWithCallback.builder()
                .name("portless_edge_tunnel_connections")
                .help("Connector connections registered now, by tunnel.")
                .labelNames("tunnel")
                .callback(cb -> names.forEach(t -> cb.call(connections.applyAsInt(t), t)))
                .register(registry);
        List<HandshakeGate> gates = List.copyOf(handshakes);
        GaugeWithCallback.builder()
                .name("portless_edge_tls_handshakes_in_progress")
                .help("TLS handshakes under way now, by listener (client, tunnel).")
                .labelNames("listener")
                .callback(cb -> gates.forEach(g -> cb.call(g.inProgress(), g.listener())))
                .register(registry);
        CounterWithCallback.builder()
                .name("portless_edge_accept_pauses_total")
                .help("Times a listener stopped accepting because its TLS handshakes in progress reached the limit.")
                .labelNames("listener")
                .callback(cb -> gates.forEach(g -> cb.call(g.pauses(), g.listener())))
                .register(registry);
    }

    @Override
    public void streamOpened(String app, long setupNanos) {
        streamsOpen.labelValues(app).inc();
        setup.labelValues(app).observe(setupNanos / NANOS_PER_SECOND);
    }

    @Override
    public void streamEnded(EndedStream end) {
        streamsOpen.labelValues(end.app()).dec();
        streams.labelValues(end.app(), EndReasonLabel.of(end.endReason())).inc();
        bytes.labelValues(end.app(), "up").inc(end.bytesUp());
        bytes.labelValues(end.app(), "down").inc(end.bytesDown());
    }

    @Override
    public void refused(Refusal refusal) {
        refusals.labelValues(refusal.app(), refusal.error()).inc();
    }

    @Override
    public void httpRequest(String app, int status) {
        requests.labelValues(app, Integer.toString(status)).inc();
    }

    @Override
    public void signedIn(Identity identity) {
        signIns.labelValues(identity.provider(), "success").inc();
    }

    @Override
    public void signInFailed(String provider, String result) {
        signIns.labelValues(provider, result).inc();
    }

    @Override
    public void tokenIssued(TokenIssue issue) {
        tokensIssued.labelValues(issue.app()).inc();
    }

    @Override
    public void tokenChecked(String result) {
        tokenChecks.labelValues(result).inc();
    }

    @Override
    public void sshCertificateIssued(SshCertificateIssue issue) {
        sshCertificates.labelValues(issue.app()).inc();
    }

    @Override
    public void storeOperation(String operation, long nanos) {
        store.labelValues(operation).observe(nanos / NANOS_PER_SECOND);
    }
}
