package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connector's pooled origin connections: kept-alive connections serve several requests, one the origin
 * closed while idle leaves the pool, and a safe request on a connection the origin closed goes once more on a new
 * one (never a POST).
 */
class OriginPoolNginxTest {
    @RegisterExtension
    static final NginxOrigins origins = new NginxOrigins();

    @Test
    void keepAliveConnectionsServeSeveralRequests() throws Exception {
        Set<String> connections = new HashSet<>();
        int lastCount = 0;
        for (int i = 0; i < 5; i++) {
            String echo = origins.get("plain.example.com", "/echo?i=" + i).body();
            connections.add(NginxOrigins.field(echo, "conn"));
            lastCount = Integer.parseInt(NginxOrigins.field(echo, "n"));
        }
        assertEquals(1, connections.size(), "one pooled connection served all five: " + connections);
        assertTrue(lastCount >= 5, "nginx counted " + lastCount + " requests on it");
        String conn = connections.iterator().next();
        long onThatConnection = origins.nginx.accessLog().stream()
                .filter(l -> l.startsWith(conn + " ") && l.contains("/echo?i="))
                .count();
        assertEquals(5, onThatConnection, "nginx's access log: " + origins.nginx.accessLog());
    }

    @Test
    void anIdleConnectionTheOriginClosedLeavesThePool() throws Exception {
        String first = origins.get("plain.example.com", "/short").body();
        Thread.sleep(2_000); // nginx closes the idle connection after 1 s
        WebTunnel.Exchange second = origins.get("plain.example.com", "/short");
        assertEquals("200", second.headers.get().status().toString());
        assertTrue(
                !NginxOrigins.field(first, "conn").equals(NginxOrigins.field(second.body(), "conn")),
                "the second request took a new connection: " + first + second.body());
    }

    @Test
    void aSafeRequestOnAConnectionTheOriginClosedGoesOnceMoreOnANewOne() throws Exception {
        assertEquals("conn=1", origins.get("closing.example.com", "/first").body());

        WebTunnel.Exchange again = origins.get("closing.example.com", "/second");

        assertEquals("200", again.headers.get().status().toString());
        assertEquals("conn=2", again.body(), "answered on a new connection");
        assertEquals(
                List.of("conn=1 GET /first HTTP/1.1", "conn=1 GET /second HTTP/1.1", "conn=2 GET /second HTTP/1.1"),
                origins.closing.requests(),
                "the pooled connection took the request, closed, and a new one answered it");

        // A POST may have been acted on even without an answer: it is never sent twice.
        WebTunnel.Exchange post = origins.tunnel.send(
                WebTunnel.request("POST", "closing.example.com", "/third", TunnelProtocol.KIND_HTTP), null, true);
        post.await();
        assertEquals("502", post.headers.get().status().toString());
        assertEquals(
                "origin_bad_response",
                post.headers.get().get(TunnelProtocol.ERROR).toString());
        assertEquals("conn=2 POST /third HTTP/1.1", origins.closing.requests().get(3));
        assertEquals(4, origins.closing.requests().size(), "no second POST: " + origins.closing.requests());
    }
}
