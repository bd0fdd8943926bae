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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests an origin never processed go once more on a new connection: an HTTP/2 nginx that ends each
 * connection after ten requests with GOAWAY (the streams past its last stream id were never looked at),
 * and an HTTP/1.1 origin that closes a kept connection as a request arrives on it.
 */
class OriginRetryTest {
    private static final int CONCURRENT = 20;

    private static Path dir;
    private static Nginx nginx;
    private static ClosingKeepAliveOrigin closing;
    private static RefusingHttp2Origin refusing;
    private static WebTunnel tunnel;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("origin-retry");
        int h2 = Nginx.freePort();
        DemoCertificates.write(dir, List.of("internal.local"), List.of());
        Files.createDirectories(dir.resolve("www/upload"));
        nginx = Nginx.start(dir, """
                server {
                  listen 127.0.0.1:H2 ssl http2;
                  ssl_certificate DIR/edge.pem;
                  ssl_certificate_key DIR/edge-key.pem;
                  root DIR/www;
                  keepalive_requests 10;
                  location = /echo { default_type text/plain; return 200 "ok\\n"; }
                  location /upload/ { dav_methods PUT; create_full_put_path on; }
                }
                """.replace("H2", Integer.toString(h2)), h2);
        closing = ClosingKeepAliveOrigin.start();
        refusing = new RefusingHttp2Origin(dir);
        tunnel = new WebTunnel(dir, """
                ingress:
                  - hostname: h2.example.com
                    service: https://127.0.0.1:%1$d
                    origin-request:
                      ca-pool: ca.pem
                      origin-server-name: internal.local
                      http2-origin: true
                  - hostname: closing.example.com
                    service: http://127.0.0.1:%2$d
                  - hostname: refusing.example.com
                    service: https://127.0.0.1:%3$d
                    origin-request:
                      ca-pool: ca.pem
                      origin-server-name: internal.local
                      http2-origin: true
                  - service: http_status:404
                """.formatted(h2, closing.port(), refusing.port()));
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
    void aRefusedStreamGoesOnceMoreAndASecondRefusalIsA502NamingIt() throws Exception {
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
        assertTrue(
                answer.get(TunnelProtocol.MESSAGE, "").toString().contains("REFUSED_STREAM"),
                "the 502 names the frame: " + answer);
        assertEquals(2, refusing.attempts("/always/b"), "sent twice at most");
    }

    private static WebTunnel.Exchange send(String method, String path, WebTunnel.Body body) throws Exception {
        WebTunnel.Exchange x = tunnel.send(
                WebTunnel.request(method, "closing.example.com", path, TunnelProtocol.KIND_HTTP), body, true);
        x.await();
        return x;
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
