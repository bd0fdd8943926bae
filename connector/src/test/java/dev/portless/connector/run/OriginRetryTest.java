package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.ClosingKeepAliveOrigin;
import dev.portless.connector.peers.Nginx;
import dev.portless.connector.peers.RefusingHttp2Origin;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests an origin never processed go again on a new connection: an HTTP/2 nginx that ends each
 * connection after ten requests with GOAWAY (the streams past its last stream id were never looked at),
 * one that takes a single request per connection, and an HTTP/1.1 origin that closes a kept connection as
 * a request arrives on it.
 */
class OriginRetryTest {
    private static final int CONCURRENT = 20;
    /** Requests at once to the origin that serves one per connection: most are left out of their first. */
    private static final int ONE_PER_CONNECTION = 64;

    private static Path dir;
    private static Nginx nginx;
    private static ClosingKeepAliveOrigin closing;
    private static RefusingHttp2Origin refusing;
    private static WebTunnel tunnel;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("origin-retry");
        int h2 = Nginx.freePort();
        int single = Nginx.freePort();
        DemoCertificates.write(dir, List.of("internal.local"), List.of());
        Files.createDirectories(dir.resolve("www/upload"));
        nginx = Nginx.start(dir, http2Server(h2, 10) + http2Server(single, 1), h2);
        closing = ClosingKeepAliveOrigin.start();
        refusing = new RefusingHttp2Origin(dir);
        tunnel = new WebTunnel(
                dir,
                "ingress:\n"
                        + http2Rule("h2.example.com", h2)
                        + http2Rule("single.example.com", single)
                        + http2Rule("refusing.example.com", refusing.port())
                        + """
                          - hostname: closing.example.com
                            service: http://127.0.0.1:%d
                          - service: http_status:404
                        """.formatted(closing.port()));
    }

    /** Returns an nginx server block on {@code port} speaking HTTP/2 that serves {@code requests} per connection. */
    private static String http2Server(int port, int requests) {
        return """
                server {
                  listen 127.0.0.1:%d ssl http2;
                  ssl_certificate DIR/edge.pem;
                  ssl_certificate_key DIR/edge-key.pem;
                  root DIR/www;
                  keepalive_requests %d;
                  location = /echo { default_type text/plain; return 200 "ok\\n"; }
                  location /upload/ { dav_methods PUT; create_full_put_path on; }
                }
                """.formatted(port, requests);
    }

    /** Returns the ingress rule of {@code hostname}, an HTTP/2 origin on {@code port} with the test's CA. */
    private static String http2Rule(String hostname, int port) {
        return """
                  - hostname: %s
                    service: https://127.0.0.1:%d
                    origin-request:
                      ca-pool: ca.pem
                      origin-server-name: internal.local
                      http2-origin: true
                """.formatted(hostname, port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (tunnel != null) {
            tunnel.close();
        }
        if (closing != null) {
            closing.close();
        }
        if (refusing != null) {
            refusing.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void requestsAnHttp2OriginLeftOutWithGoawayAreSentAgainAndAllAnswer() throws Exception {
        List<WebTunnel.Exchange> sent = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            sent.add(tunnel.send(
                    WebTunnel.request("GET", "h2.example.com", "/echo?n=" + i, TunnelProtocol.KIND_HTTP), null, true));
        }
        List<String> statuses = new ArrayList<>();
        for (WebTunnel.Exchange x : sent) {
            statuses.add(x.await().status() + " " + x.headers.get().get(TunnelProtocol.ERROR));
        }

        assertEquals(List.of("200 null"), statuses.stream().distinct().toList(), statuses::toString);
        assertTrue(connections("/echo?n=") >= 2, "nginx ended a connection with GOAWAY: " + nginx.accessLog());
    }

    @Test
    void uploadsAnHttp2OriginLeftOutArriveWholeOnTheirSecondAttempt() throws Exception {
        List<WebTunnel.Body> bodies = new ArrayList<>();
        List<WebTunnel.Exchange> sent = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            WebTunnel.Body body = new WebTunnel.Body(8 * 1024 + i);
            bodies.add(body);
            sent.add(tunnel.send(
                    WebTunnel.request("PUT", "h2.example.com", "/upload/f" + i, TunnelProtocol.KIND_HTTP), body, true));
        }
        for (int i = 0; i < CONCURRENT; i++) {
            String status = sent.get(i).await().status().toString();
            assertTrue(Set.of("201", "204").contains(status), "upload " + i + ": " + status);
            byte[] stored =
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("www/upload/f" + i)));
            assertArrayEquals(bodies.get(i).digest(), stored, "upload " + i + " arrived whole");
        }
        assertTrue(connections("/upload/f") >= 2, "nginx ended a connection with GOAWAY: " + nginx.accessLog());
    }

    @Test
    void anOriginServingOneRequestPerConnectionAnswersManyAtOnceEachRetryOnAConnectionOfItsOwn() throws Exception {
        List<WebTunnel.Exchange> gets = new ArrayList<>();
        List<WebTunnel.Exchange> puts = new ArrayList<>();
        List<WebTunnel.Body> bodies = new ArrayList<>();
        for (int i = 0; i < ONE_PER_CONNECTION; i++) {
            gets.add(tunnel.send(
                    WebTunnel.request("GET", "single.example.com", "/echo?one=" + i, TunnelProtocol.KIND_HTTP),
                    null,
                    true));
            WebTunnel.Body body = new WebTunnel.Body(4 * 1024 + i);
            bodies.add(body);
            puts.add(tunnel.send(
                    WebTunnel.request("PUT", "single.example.com", "/upload/one" + i, TunnelProtocol.KIND_HTTP),
                    body,
                    true));
        }
        List<String> statuses = new ArrayList<>();
        for (WebTunnel.Exchange x : gets) {
            statuses.add(x.await().status() + " " + x.headers.get().get(TunnelProtocol.MESSAGE));
        }
        assertEquals(List.of("200 null"), statuses.stream().distinct().toList(), statuses::toString);
        for (int i = 0; i < ONE_PER_CONNECTION; i++) {
            Http2Headers answer = puts.get(i).await();
            assertTrue(
                    Set.of("201", "204").contains(answer.status().toString()),
                    "upload " + i + ": " + answer.status() + " " + answer.get(TunnelProtocol.MESSAGE));
            byte[] stored =
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("www/upload/one" + i)));
            assertArrayEquals(bodies.get(i).digest(), stored, "upload " + i + " arrived whole");
        }
        // Each processed once: nginx logs a request once it has sent its answer, so wait for the lines.
        assertEquals(ONE_PER_CONNECTION, loggedRequests("/echo?one=", ONE_PER_CONNECTION), "GETs nginx processed");
        assertEquals(ONE_PER_CONNECTION, loggedRequests("/upload/one", ONE_PER_CONNECTION), "PUTs nginx processed");
    }

    @Test
    void idempotentRequestsOnAConnectionTheOriginClosedGoOnceMoreWithTheirBody() throws Exception {
        assertEquals("conn=1", send("GET", "/first", null).body());

        WebTunnel.Exchange delete = send("DELETE", "/second", null);
        assertEquals("200", delete.headers.get().status().toString());
        assertEquals("conn=2", delete.body());

        WebTunnel.Exchange put = send("PUT", "/third", new WebTunnel.Body(4096));
        assertEquals("200", put.headers.get().status().toString());
        assertEquals("conn=3", put.body());

        assertEquals(
                List.of(
                        "conn=1 GET /first HTTP/1.1",
                        "conn=1 DELETE /second HTTP/1.1",
                        "conn=2 DELETE /second HTTP/1.1",
                        "conn=2 PUT /third HTTP/1.1",
                        "conn=3 PUT /third HTTP/1.1"),
                closing.requests());
    }

    @Test
    void aRefusedStreamGoesAgainAndTheThirdRefusalIsA502NamingIt() throws Exception {
        WebTunnel.Exchange once = tunnel.send(
                WebTunnel.request("POST", "refusing.example.com", "/once/a", TunnelProtocol.KIND_HTTP),
                new WebTunnel.Body(1024),
                true);
        assertEquals("200", once.await().status().toString());
        assertEquals("ok", once.body());
        assertEquals(2, refusing.attempts("/once/a"), "refused, then answered");

        WebTunnel.Exchange always = tunnel.send(
                WebTunnel.request("GET", "refusing.example.com", "/always/b", TunnelProtocol.KIND_HTTP), null, true);
        Http2Headers answer = always.await();
        assertEquals("502", answer.status().toString());
        String message = answer.get(TunnelProtocol.MESSAGE, "").toString();
        assertTrue(message.contains("REFUSED_STREAM"), "the 502 names the frame: " + answer);
        assertTrue(message.contains("3 tries in all"), "the 502 says how often it was sent: " + answer);
        assertEquals(3, refusing.attempts("/always/b"), "sent three times at most");
        assertEquals(3, refusing.connections("/always/b"), "each try on a connection of its own");
    }

    private static WebTunnel.Exchange send(String method, String path, WebTunnel.Body body) throws Exception {
        WebTunnel.Exchange x = tunnel.send(
                WebTunnel.request(method, "closing.example.com", path, TunnelProtocol.KIND_HTTP), body, true);
        x.await();
        return x;
    }

    /**
     * Returns how many requests whose URI starts with {@code prefix} nginx has logged, once there are
     * {@code expected} of them or ten seconds have passed.
     */
    private static long loggedRequests(String prefix, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long n;
        while ((n = nginx.accessLog().stream()
                                .filter(l -> l.contains(" " + prefix))
                                .count())
                        < expected
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return n;
    }

    /** Returns how many of nginx's connections served the requests whose URI starts with {@code prefix}. */
    private static long connections(String prefix) throws Exception {
        Set<String> ids = nginx.accessLog().stream()
                .filter(l -> l.contains(" " + prefix))
                .map(l -> l.substring(0, l.indexOf(' ')))
                .collect(Collectors.toSet());
        return ids.size();
    }
}
