package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.json.Json;
import dev.portless.it.bridge.SshBridgeProcess;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.Prometheus;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus scrapes the admin listeners of an edge, a connector and an SSH bridge, and
 * the series move when streams flow, a policy refuses one, and an SSH client comes and goes.
 */
class PrometheusScrapeTest {
    private static final String ECHO = "echo.portless.test";
    private static final String CLOSED = "closed.portless.test";
    private static final Duration SCRAPED = Duration.ofSeconds(20);
    private static final int STREAMS = 3;

    @Test
    void seriesMoveWhenTrafficFlows(@TempDir Path bridgeDir) throws Exception {
        String edgeAdmin = "127.0.0.1:" + FreePorts.next();
        String connectorAdmin = "127.0.0.1:" + FreePorts.next();
        String bridgeAdmin = "127.0.0.1:" + FreePorts.next();
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                        .appClosedToTheToken(CLOSED, "tcp://127.0.0.1:" + echo.port())
                        .edgeFlags("--admin", edgeAdmin)
                        .connectorFlags("--admin", connectorAdmin)
                        .build()
                        .start();
                SshBridgeProcess bridge = SshBridgeProcess.start(
                        bridgeDir,
                        "policy:\n  - principals: [alice]\n    allow:\n      - 127.0.0.1:9",
                        List.of("--admin", bridgeAdmin));
                Prometheus prometheus = Prometheus.start(
                        Map.of("edge", edgeAdmin, "connector", connectorAdmin, "bridge", bridgeAdmin))) {
            HttpClient http = HttpClient.newHttpClient();
            assertEquals("ok\n", get(http, connectorAdmin, "/healthz").body());
            assertEquals(200, get(http, connectorAdmin, "/ready").statusCode(), "registered connector is ready");
            assertEquals(200, get(http, edgeAdmin, "/ready").statusCode());
            assertEquals(3.0, prometheus.awaitAtLeast("sum(up)", 3, SCRAPED), "all three targets are up");

            // Plain streams, so the edge's byte counts are the payload: on a resumable stream the edge
            // carries (and counts) the resume frames around it too.
            PortlessStack.AccessTcp tcp = stack.accessTcp(ECHO, Map.of("PORTLESS_RESUME", "off"));
            for (int i = 0; i < STREAMS; i++) {
                assertEquals("hello " + i, roundTrip(tcp.port(), "hello " + i));
            }
            PortlessStack.AccessTcp refused = stack.accessTcp(CLOSED);
            roundTrip(refused.port(), "no");
            try (Socket ssh = new Socket("127.0.0.1", bridge.port())) {
                ssh.getOutputStream().write("SSH-2.0-PrometheusScrapeTest\r\n".getBytes(StandardCharsets.US_ASCII));
                ssh.getInputStream().read(new byte[64]);
            }

            String app = "{app=\"" + ECHO + "\"}";
            assertEquals(
                    STREAMS, prometheus.awaitAtLeast("sum(portless_edge_streams_total" + app + ")", STREAMS, SCRAPED));
            assertEquals(
                    STREAMS,
                    prometheus.awaitAtLeast(
                            "sum(portless_edge_streams_total{app=\"" + ECHO + "\",end=\"completed\"})",
                            STREAMS,
                            SCRAPED));
            double up = prometheus.awaitAtLeast(
                    "sum(portless_edge_stream_bytes_total{app=\"" + ECHO + "\",direction=\"up\"})", 21, SCRAPED);
            assertEquals(3 * "hello 0".length(), up, "bytes from the client, counted at each stream's end");
            assertEquals(
                    STREAMS,
                    prometheus.awaitAtLeast(
                            "sum(portless_edge_stream_setup_seconds_count" + app + ")", STREAMS, SCRAPED));
            assertEquals(0.0, prometheus.query("sum(portless_edge_streams_open" + app + ")"));
            assertEquals(
                    1.0,
                    prometheus.awaitAtLeast(
                            "sum(portless_edge_refusals_total{app=\"" + CLOSED + "\",error=\"forbidden\"})",
                            1,
                            SCRAPED));
            assertTrue(prometheus.awaitAtLeast("sum(portless_edge_tunnel_connections{tunnel=\"tests\"})", 1, SCRAPED)
                    >= 1);

            assertEquals(
                    STREAMS,
                    prometheus.awaitAtLeast("sum(portless_connector_streams_total" + app + ")", STREAMS, SCRAPED));
            assertEquals(
                    21.0,
                    prometheus.awaitAtLeast(
                            "sum(portless_connector_stream_bytes_total{app=\"" + ECHO
                                    + "\",direction=\"from_target\"})",
                            21,
                            SCRAPED));
            // The service token's app token is checked once, then remembered for the next streams.
            assertTrue(
                    prometheus.awaitAtLeast("sum(portless_connector_token_checks_total{result=\"valid\"})", 1, SCRAPED)
                            >= 1);
            assertTrue(prometheus.awaitAtLeast("sum(portless_connector_tunnel_connections)", 1, SCRAPED) >= 1);

            assertEquals(
                    1.0,
                    prometheus.awaitAtLeast(
                            "sum(portless_bridge_sessions_total{result=\"not_authenticated\"})", 1, SCRAPED));
            assertTrue(prometheus.query("sum(jvm_memory_used_bytes{job=\"bridge\"})") > 0, "JVM metrics");

            // Every query of the Grafana dashboard parses (a bad one answers 400, and hasSeries throws);
            // those over what this test drove have data.
            for (String expr : dashboardQueries()) {
                boolean data = prometheus.hasSeries(expr.replace("$__rate_interval", "1m"));
                if (expr.contains("streams_open") || expr.contains("tunnel_connections") || expr.contains("jvm_")) {
                    assertTrue(data, "no series for " + expr);
                }
            }

            // SIGTERM with a stream open: the connector drains, and /ready says so until the stream ends.
            try (Socket held = new Socket("127.0.0.1", tcp.port())) {
                held.setSoTimeout(10_000);
                held.getOutputStream().write('x');
                assertEquals('x', held.getInputStream().read());
                Commands.run(
                                List.of(
                                        "kill",
                                        "-TERM",
                                        Long.toString(stack.connector().pid())),
                                SCRAPED)
                        .assertSuccess();
                HttpResponse<String> ready = get(http, connectorAdmin, "/ready");
                long deadline = System.nanoTime() + SCRAPED.toNanos();
                while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    ready = get(http, connectorAdmin, "/ready");
                }
                assertEquals(503, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("draining"), ready.body());
            }
        }
    }

    private static List<String> dashboardQueries() throws Exception {
        Path dashboard = Path.of(System.getProperty("user.dir")).resolveSibling("docs/grafana/portless.json");
        Map<String, Object> json = Json.readObject(Files.readString(dashboard));
        List<String> queries = new ArrayList<>();
        for (Object panel : (List<?>) json.get("panels")) {
            for (Object target : (List<?>) ((Map<?, ?>) panel).get("targets")) {
                queries.add((String) ((Map<?, ?>) target).get("expr"));
            }
        }
        assertTrue(queries.size() >= 10, "dashboard queries: " + queries);
        return queries;
    }

    private static String roundTrip(int port, String text) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String hostPort, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
