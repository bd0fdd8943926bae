package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.connector.peers.Nginx;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A small answer crosses the tunnel as one write: nginx sends its head and body in one write, and the
 * connector flushes the HEADERS and DATA frames it makes of that read together, so the edge wakes once
 * for them (a TLS record, not two, in a real tunnel).
 */
class OriginAnswerFlushTest {
    private static final int REQUESTS = 5;

    private static Path dir;
    private static Nginx nginx;
    private static WebTunnel tunnel;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("origin-flush");
        int http = Nginx.freePort();
        nginx = Nginx.start(dir, """
                server {
                  listen 127.0.0.1:HTTP;
                  location = /small { default_type text/plain; return 200 "a small answer\\n"; }
                }
                """.replace("HTTP", Integer.toString(http)), http);
        tunnel = new WebTunnel(dir, """
                ingress:
                  - hostname: plain.example.com
                    service: http://127.0.0.1:%d
                  - service: http_status:404
                """.formatted(http));
    }

    @AfterAll
    static void stop() throws Exception {
        if (tunnel != null) {
            tunnel.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void eachSmallAnswerLeavesTheConnectorInOneFlush() throws Exception {
        // The first request dials the origin and settles the connection's windows; the rest reuse it.
        assertEquals("200", get().status().toString());
        int before = tunnel.tunnelFlushes.get();
        for (int i = 0; i < REQUESTS; i++) {
            WebTunnel.Exchange x =
                    tunnel.send(WebTunnel.request("GET", "plain.example.com", "/small", "http"), null, true);
            assertEquals("200", x.await().status().toString());
            assertEquals("a small answer\n", x.body());
        }
        assertEquals(
                REQUESTS, tunnel.tunnelFlushes.get() - before, "flushes of the tunnel for " + REQUESTS + " answers");
    }

    private static Http2Headers get() throws Exception {
        return tunnel.send(WebTunnel.request("GET", "plain.example.com", "/small", "http"), null, true)
                .await();
    }
}
