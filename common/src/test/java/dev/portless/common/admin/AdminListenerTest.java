package dev.portless.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdminListenerTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersHealthReadinessAndMetrics() throws Exception {
        PrometheusRegistry registry = ProgramRegistry.withJvmMetrics();
        Counter streams = Counter.builder()
                .name("portless_test_streams_total")
                .help("test")
                .labelNames("app")
                .register(registry);
        streams.labelValues("db.example.com").inc(3);
        LifecycleReadiness lifecycle = new LifecycleReadiness();
        try (AdminListener admin =
                AdminListener.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), registry, lifecycle)) {
            String base = "http://127.0.0.1:" + admin.address().getPort();
            assertEquals(200, get(base + "/healthz").statusCode());

            HttpResponse<String> starting = get(base + "/ready");
            assertEquals(503, starting.statusCode());
            assertEquals("not ready: starting\n", starting.body());
            lifecycle.started();
            assertEquals(200, get(base + "/ready").statusCode());
            lifecycle.draining();
            assertTrue(get(base + "/ready").body().contains("draining"));

            HttpResponse<String> metrics = get(base + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(
                    metrics.body().contains("portless_test_streams_total{app=\"db.example.com\"} 3.0"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics are exposed");
            assertEquals(404, get(base + "/other").statusCode());
        }
    }

    @Test
    void runsACommandOnlyForAPostThatCarriesTheSecret() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef";
        java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AdminListener admin = AdminListener.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ProgramRegistry.withJvmMetrics(),
                new LifecycleReadiness())) {
            admin.command("/revoke", secret, body -> {
                bodies.add(body);
                return new AdminAnswer(200, "{\"done\":\"yes\"}");
            });
            String url = "http://127.0.0.1:" + admin.address().getPort() + "/revoke";
            assertEquals(405, get(url).statusCode());
            assertEquals(401, post(url, null, "{}").statusCode());
            HttpResponse<String> wrong = post(url, secret.replace('0', '1'), "{}");
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.body().contains("admin secret"), wrong.body());
            assertTrue(bodies.isEmpty(), "a refused request never reaches the command");
            HttpResponse<String> done = post(url, secret, "{\"user\":\"alice@example.com\"}");
            assertEquals(200, done.statusCode());
            assertEquals("{\"done\":\"yes\"}", done.body());
            assertEquals(java.util.List.of("{\"user\":\"alice@example.com\"}"), bodies);
            assertThrows(IllegalArgumentException.class, () -> admin.command("/x", "short", body -> null));
        }
    }

    @Test
    void refusesNonLoopbackUnlessAllowed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> AdminAddress.parse("--admin", "192.0.2.7:9464", false));
        assertTrue(e.getMessage().startsWith("--admin=192.0.2.7:9464: 192.0.2.7 is not a loopback address"));
        assertEquals(9464, AdminAddress.parse("--admin", "192.0.2.7:9464", true).getPort());
        assertTrue(AdminAddress.parse("--admin", "9464", false).getAddress().isLoopbackAddress());
    }

    @Test
    void endReasonsBecomeBoundedLabels() {
        assertEquals("completed", EndReasonLabel.of("completed"));
        assertEquals("target_aborted", EndReasonLabel.of("target ended the stream: 4001 refused"));
        assertEquals("client_closed", EndReasonLabel.of("client closed"));
        assertEquals("edge_error", EndReasonLabel.of("edge error: Connection reset by peer"));
        assertEquals("closed", EndReasonLabel.of("closed"));
        assertEquals("closed", EndReasonLabel.of("weird text here"));
    }

    private HttpResponse<String> post(String url, String secret, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
