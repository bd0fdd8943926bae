package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser's {@code h2} connection to the client listener: the edge's pages, web-app requests
 * streamed both ways through a connector, the sign-in redirect, and the requests HTTP/2 refuses
 * before anything reaches the connector.
 */
class BrowserHttp2Test {
    private static final long HUNDRED_MIB = 100L * 1024 * 1024;

    private TunnelledEdge edge;
    private Http2TestClient client;

    @BeforeEach
    void start() throws InterruptedException {
        edge = new TunnelledEdge(TunnelledEdge.SERVICE_TOKEN_OR_SIGN_IN, true);
        client = new Http2TestClient(edge.group, new InetSocketAddress("127.0.0.1", edge.port()));
    }

    @AfterEach
    void stop() {
        client.close();
        edge.close();
    }

    private static Http2Headers get(String authority, String path) {
        return new DefaultHttp2Headers()
                .method("GET")
                .scheme("https")
                .authority(authority)
                .path(path);
    }

    private static Http2Headers signedIn(Http2Headers request) {
        return request.set("access-client-id", "ci").set("access-client-secret", "s");
    }

    @Test
    void theEdgesOwnPageAnswersOverH2() throws Exception {
        Http2TestClient.Answer a = client.send(get("edge.example.com", "/signin"));
        assertEquals(200, a.status());
        assertEquals("page /signin", new String(a.body(), StandardCharsets.UTF_8).trim());
        assertNull(a.headers().get("connection"));
    }

    @Test
    void aBrowserWithoutASessionIsSentToSignInOverH2() throws Exception {
        Http2TestClient.Answer a = client.send(get(TestEdge.APP, "/d/home?x=1").set("accept", "text/html"));
        assertEquals(302, a.status());
        String location = a.headers().get("location").toString();
        assertTrue(location.startsWith("https://edge.example.com/oauth/app?app=db.example.com&state="), location);
        assertTrue(location.endsWith("&return=%2Fd%2Fhome%3Fx%3D1"), location);
        assertTrue(a.headers().get("set-cookie").toString().startsWith("__Host-portless-state="));
        assertTrue(edge.connector.requests.isEmpty());
    }

    @Test
    void theConnectorSeesTheBrowsersRequestWithoutTheEdgesHopOrCredentials() throws Exception {
        Http2TestClient.Answer a = client.send(signedIn(get(TestEdge.APP, "/page?q=1"))
                .add("cookie", "a=1")
                .add("cookie", "__Host-portless-app=x")
                .set("x-custom", "yes"));
        assertEquals(200, a.status());
        Http2Headers seen = edge.connector.requests.poll();
        assertEquals("GET", seen.method().toString());
        assertEquals("/page?q=1", seen.path().toString());
        assertEquals(TestEdge.APP, seen.authority().toString());
        assertEquals(TunnelProtocol.KIND_HTTP, seen.get(TunnelProtocol.KIND).toString());
        assertEquals("minted-token", seen.get(TunnelProtocol.APP_TOKEN).toString());
        assertEquals("a=1", seen.get("cookie").toString());
        assertEquals("yes", seen.get("x-custom").toString());
        assertFalse(seen.contains("access-client-id"));
        seen.forEach(h -> assertFalse(
                h.getKey().toString().startsWith("x-http2-"), h.getKey().toString()));
        assertFalse(seen.contains("host"));
    }

    @Test
    void aHundredMibUploadStreamsToTheConnectorUnderFlowControl() throws Exception {
        Http2TestClient.Answer a =
                client.send(signedIn(get(TestEdge.APP, "/sha256").method("POST")), HUNDRED_MIB);
        assertEquals(200, a.status());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[16 * 1024];
        for (long off = 0; off < HUNDRED_MIB; off += chunk.length) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = Http2TestClient.patternAt(off + i);
            }
            sha.update(chunk);
        }
        assertEquals(HexFormat.of().formatHex(sha.digest()), new String(a.body(), StandardCharsets.US_ASCII));
    }

    @Test
    void aHundredMibDownloadStreamsToTheBrowser() throws Exception {
        Http2TestClient.Answer a = client.send(signedIn(get(TestEdge.APP, "/bytes?n=" + HUNDRED_MIB)));
        assertEquals(200, a.status());
        assertEquals(HUNDRED_MIB, a.length());
        assertEquals(
                Long.toString(HUNDRED_MIB), a.headers().get("content-length").toString());
    }

    @Test
    void aConnectorErrorIsAPageWithItsStatusOverH2() throws Exception {
        Http2TestClient.Answer a =
                client.send(signedIn(get(TestEdge.APP, "/refused")).set("accept", "application/json"));
        assertEquals(502, a.status());
        assertTrue(new String(a.body(), StandardCharsets.UTF_8).startsWith("{\"error\":\"origin_refused\""));
    }

    @Test
    void aBodyShorterThanItsContentLengthResetsTheStream() throws Exception {
        Http2TestClient.Answer a = client.send(
                signedIn(get(TestEdge.APP, "/sha256").method("POST")).set("content-length", "10"), 5);
        assertEquals(Http2Error.PROTOCOL_ERROR.code(), a.reset());
        assertEquals(0, a.status());
    }

    @Test
    void anUppercaseHeaderNameResetsTheStreamBeforeTheConnectorSeesIt() throws Exception {
        Http2TestClient.Answer a = client.send(unvalidated("X-Smuggled", "1"));
        assertEquals(Http2Error.PROTOCOL_ERROR.code(), a.reset());
        assertTrue(edge.connector.requests.isEmpty());
    }

    @Test
    void aConnectionSpecificHeaderResetsTheStreamBeforeTheConnectorSeesIt() throws Exception {
        for (String[] header : new String[][] {
            {"connection", "keep-alive"},
            {"keep-alive", "timeout=5"},
            {"upgrade", "websocket"},
            {"transfer-encoding", "chunked"},
            {"te", "gzip"}
        }) {
            Http2TestClient.Answer a = client.send(unvalidated(header[0], header[1]));
            assertEquals(Http2Error.PROTOCOL_ERROR.code(), a.reset(), header[0]);
        }
        assertTrue(edge.connector.requests.isEmpty());
    }

    /** Returns a signed-in GET with the header {@code name} as given, past the client's own header checks. */
    private static Http2Headers unvalidated(String name, String value) {
        return new DefaultHttp2Headers(false)
                .method("GET")
                .scheme("https")
                .authority(TestEdge.APP)
                .path("/page")
                .set("access-client-id", "ci")
                .set("access-client-secret", "s")
                .set(name, value);
    }
}
