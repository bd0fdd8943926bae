package dev.portless.connector.edge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.listener.HandshakeGate;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edge's metrics of a listener's handshakes, read from a gate on an in-memory server channel: the
 * handshakes in progress, and the pauses of the accepting at the limit.
 */
class EdgeMetricsHandshakesTest {
    @Test
    void aGateAtItsLimitShowsItsHandshakesAndItsPause() {
        HandshakeGate gate = new HandshakeGate("client", 2);
        EmbeddedChannel server = new EmbeddedChannel(gate);
        PrometheusRegistry registry = new PrometheusRegistry();
        new EdgeMetrics(registry, List.of(), tunnel -> 0, List.of(gate));

        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        server.writeInbound(first, second);
        assertFalse(server.config().isAutoRead(), "the server stopped accepting at the limit");
        assertEquals(2.0, value(registry, "portless_edge_tls_handshakes_in_progress"));
        assertEquals(1.0, value(registry, "portless_edge_accept_pauses"));

        HandshakeGate.finished(first);
        HandshakeGate.finished(first);
        server.runPendingTasks();
        assertTrue(server.config().isAutoRead(), "one handshake ended: it accepts again");
        assertEquals(1.0, value(registry, "portless_edge_tls_handshakes_in_progress"), "a second end counts once");

        second.close();
        assertEquals(0.0, value(registry, "portless_edge_tls_handshakes_in_progress"), "a close ends it too");
        server.finishAndReleaseAll();
    }

    /** Returns the value the metric {@code name} has for the client listener. */
    private static double value(PrometheusRegistry registry, String name) {
        for (MetricSnapshot m : registry.scrape()) {
            if (!m.getMetadata().getPrometheusName().equals(name)) {
                continue;
            }
            for (DataPointSnapshot p : m.getDataPoints()) {
                if ("client".equals(p.getLabels().get("listener"))) {
                    return p instanceof GaugeSnapshot.GaugeDataPointSnapshot g
                            ? g.getValue()
                            : ((CounterSnapshot.CounterDataPointSnapshot) p).getValue();
                }
            }
        }
        throw new AssertionError("no " + name + "{listener=\"client\"}");
    }
}
