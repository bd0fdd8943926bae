package dev.portless.connector.run;

import dev.portless.common.admin.EndReasonLabel;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connector's metrics, named {@code portless_connector_*}. Bytes are counted once per stream,
 * at its end. Without an admin listener they go to a registry nobody scrapes: a counter update
 * costs less than a branch on every call site.
 */
final class ConnectorMetrics {
    private static final double NANOS_PER_SECOND = 1e9;
    /** A dial on a LAN takes well under a millisecond; a slow target, seconds. */
    private static final double[] DIAL_BOUNDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };

    private final Gauge streamsOpen;
    private final Counter streams;
    private final Counter bytes;
    private final Histogram setup;
    private final Counter tokenChecks;

    /** Returns the connector's metrics in {@code registry}, counting the registered connections of {@code clients}. */
    ConnectorMetrics(PrometheusRegistry registry, List<TunnelClient> clients) {
        streamsOpen = Gauge.builder()
                .name("portless_connector_streams_open")
                .help("TCP streams being relayed to targets now, by app.")
                .labelNames("app")
                .register(registry);
        streams = Counter.builder()
                .name("portless_connector_streams_total")
                .help("TCP streams that have ended, by app and end reason.")
                .labelNames("app", "end")
                .register(registry);
        bytes = Counter.builder()
                .name("portless_connector_stream_bytes_total")
                .help("Bytes relayed by ended TCP streams, by app and direction (to_target, from_target).")
                .labelNames("app", "direction")
                .unit(Unit.BYTES)
                .register(registry);
        setup = Histogram.builder()
                .name("portless_connector_stream_setup_seconds")
                .help("Time from a stream request to its target connection: token check, lookup and dial.")
                .labelNames("app")
                .classicOnly()
                .classicUpperBounds(DIAL_BOUNDS)
                .register(registry);
        tokenChecks = Counter.builder()
                .name("portless_connector_token_checks_total")
                .help("App-token checks of streams, by result (valid, or why the token was refused).")
                .labelNames("result")
                .register(registry);
        GaugeWithCallback.builder()
                .name("portless_connector_tunnel_connections")
                .help("Tunnel connections registered with an edge now, by edge.")
                .labelNames("edge")
                .callback(cb -> registeredByEdge(clients).forEach((edge, n) -> cb.call(n, edge)))
                .register(registry);
    }

    private static Map<String, Integer> registeredByEdge(List<TunnelClient> clients) {
        Map<String, Integer> byEdge = new TreeMap<>();
        for (TunnelClient c : clients) {
            byEdge.merge(c.edge().toString(), c.registered() ? 1 : 0, Integer::sum);
        }
        return byEdge;
    }

    void streamOpened(String app, long setupNanos) {
        streamsOpen.labelValues(app).inc();
        setup.labelValues(app).observe(setupNanos / NANOS_PER_SECOND);
    }

    void streamEnded(String app, long bytesToTarget, long bytesFromTarget, String endReason) {
        streamsOpen.labelValues(app).dec();
        streams.labelValues(app, EndReasonLabel.of(endReason)).inc();
        bytes.labelValues(app, "to_target").inc(bytesToTarget);
        bytes.labelValues(app, "from_target").inc(bytesFromTarget);
    }

    void tokenChecked(String result) {
        tokenChecks.labelValues(result).inc();
    }
}
