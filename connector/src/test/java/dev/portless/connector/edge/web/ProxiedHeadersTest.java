package dev.portless.connector.edge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What of a browser's request reaches the origin, and what of the answer reaches the browser. */
class ProxiedHeadersTest {
    private static HttpHeaders browser() {
        return new DefaultHttpHeaders()
                .add("Host", "grafana.example.com")
                .add("Connection", "keep-alive, X-Hop")
                .add("X-Hop", "1")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Connection", "keep-alive")
                .add("TE", "trailers")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "h2c")
                .add("Proxy-Authorization", "Basic eA==")
                .add("Portless-App-Token", "forged")
                .add("Cf-Access-Jwt-Assertion", "forged")
                .add("Cf-Access-Authenticated-User-Email", "boss@example.com")
                .add("Cf-Access-Token", "t")
                .add("Cf-Access-Client-Id", "id")
                .add("Cf-Access-Client-Secret", "s")
                .add("Access-Client-Id", "id")
                .add("Access-Client-Secret", "s")
                .add("Authorization", "Bearer app-token")
                .add("Cookie", "theme=dark; __Host-portless-app=tok; __Host-portless-state=st; sid=42")
                .add("Cookie", "__Host-portless-session=x")
                .add("Accept", "text/html")
                .add("X-Request-Id", "abc");
    }

    private static Map<String, String> forwarded(boolean tokenConsumed) {
        Http2Headers out = ProxiedHeaders.request(browser(), new DefaultHttp2Headers(), tokenConsumed);
        Map<String, String> m = new TreeMap<>();
        out.forEach(e -> m.merge(e.getKey().toString(), e.getValue().toString(), (a, b) -> a + " | " + b));
        return m;
    }

    @Test
    void hopByHopHeadersCredentialsAndTheEdgesCookiesStayAtTheEdge() {
        assertEquals(
                Map.of(
                        "accept", "text/html",
                        "cookie", "theme=dark; sid=42",
                        "te", "trailers",
                        "x-request-id", "abc"),
                forwarded(true));
    }

    @Test
    void anAuthorizationTheEdgeDidNotConsumeReachesTheOrigin() {
        assertEquals("Bearer app-token", forwarded(false).get("authorization"));
    }

    @Test
    void theAnswerLosesPseudoHopByHopAndTunnelHeaders() {
        Http2Headers answer = new DefaultHttp2Headers()
                .status("200")
                .add("content-type", "text/plain")
                .add("connection", "close")
                .add("transfer-encoding", "chunked")
                .add("portless-target", "http://127.0.0.1:3000")
                .add("set-cookie", "a=1")
                .add("set-cookie", "b=2");
        HttpHeaders out = ProxiedHeaders.response(answer, new DefaultHttpHeaders());
        assertEquals(3, out.size());
        assertEquals("text/plain", out.get("content-type"));
        assertEquals(java.util.List.of("a=1", "b=2"), out.getAll("set-cookie"));
    }
}
