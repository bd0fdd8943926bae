package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.policy.Identity;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Each kind of HTTP/1.1 request on a client connection reaches its handler, as the client sees it. */
class ClientRequestDispatcherTest {
    private static final String UPGRADE = "GET / HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n%s\r\n";

    private AccessAuthenticator authenticator = (headers, app, client) ->
            Decision.deny(StreamError.UNAUTHENTICATED, "Sign-in is required to reach " + app.hostname() + ".");
    private final EmbeddedChannel connection = connection();

    private EmbeddedChannel connection() {
        StreamServices services = TestEdge.services((h, app, c) -> authenticator.authenticate(h, app, c));
        return TestEdge.http1(services);
    }

    /** Returns what the client reads back after sending {@code request}. */
    private Answer send(String request) {
        return Answer.parse(TestEdge.exchange(connection, request));
    }

    @Test
    void aPlainRequestReachesTheEdgesPagesAndKeepsTheConnection() {
        Answer a = send("GET /healthz HTTP/1.1\r\nHost: edge.example.com\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", a.statusLine());
        assertEquals("page /healthz\n", a.body());
        assertTrue(connection.isOpen(), "keep-alive: the next page comes on the same connection");
        assertEquals(
                "page /signin\n",
                send("GET /signin HTTP/1.1\r\nHost: edge.example.com\r\n\r\n").body());
    }

    @Test
    void anUnknownHostnameGetsA404PageNamingItNotTheSignInPages() {
        Answer a = send("GET /signin HTTP/1.1\r\nHost: nope.example.com\r\nAccept: text/html\r\n\r\n");
        assertEquals("HTTP/1.1 404 Not Found", a.statusLine());
        assertTrue(a.headers().toLowerCase().contains("content-type: text/html"), a.headers());
        assertTrue(
                a.body().contains("No app is published at nope.example.com on this edge; check the address."),
                a.body());
        assertFalse(a.body().contains("page /signin"), a.body());
    }

    @Test
    void anUnknownHostnameAnswersJsonWhenAskedFor() {
        Answer a = send("GET /api HTTP/1.1\r\nHost: nope.example.com:8443\r\nAccept: application/json\r\n\r\n");
        assertEquals("HTTP/1.1 404 Not Found", a.statusLine());
        assertEquals(
                "{\"error\":\"unknown_app\",\"message\":\"No app is published at nope.example.com on this edge; "
                        + "check the address.\"}",
                a.body());
    }

    @Test
    void addressLiteralsAndLocalhostStillReachTheEdgesPages() {
        assertEquals(
                "page /healthz\n",
                send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n").body());
        assertEquals(
                "page /healthz\n",
                send("GET /healthz HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n").body());
        assertEquals(
                "page /healthz\n",
                send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").body());
    }

    @Test
    void aWebSocketUpgradeReachesTheStreamHandler() {
        Answer a = send(UPGRADE.formatted(TestEdge.APP, ""));
        assertEquals("HTTP/1.1 401 Unauthorized", a.statusLine());
        assertEquals(
                "{\"error\":\"unauthenticated\",\"message\":\"Sign-in is required to reach db.example.com.\","
                        + "\"issuer\":\"https://edge.example.com\",\"login_url\":\"https://edge.example.com/oauth/authorize\"}",
                a.body());
        assertFalse(connection.isOpen());
    }

    @Test
    void anUpgradeToAnUnknownAppIsRefusedBeforeCredentials() {
        Answer a = send(UPGRADE.formatted("nope.example.com:443", ""));
        assertEquals("HTTP/1.1 404 Not Found", a.statusLine());
        assertEquals(
                "{\"error\":\"unknown_app\",\"message\":\"Portless has no app at nope.example.com; check "
                        + "--hostname.\"}",
                a.body());
    }

    @Test
    void aForbiddenIdentityGets403() {
        authenticator = (h, app, c) -> Decision.deny(
                StreamError.FORBIDDEN,
                "ada@example.com is signed in but not " + "allowed to reach " + app.hostname() + ".");
        Answer a = send(UPGRADE.formatted(TestEdge.APP, "Authorization: Bearer t\r\n"));
        assertEquals("HTTP/1.1 403 Forbidden", a.statusLine());
        assertEquals(
                "{\"error\":\"forbidden\",\"message\":\"ada@example.com is signed in but not allowed to reach "
                        + "db.example.com.\"}",
                a.body());
    }

    @Test
    void anAllowedStreamWithNoConnectorOnlineGets502() {
        authenticator = (h, app, c) -> Decision.allow(Identity.serviceToken("ci"), "minted");
        Answer a = send(UPGRADE.formatted(TestEdge.APP, "Access-Client-Id: ci\r\n"));
        assertEquals("HTTP/1.1 502 Bad Gateway", a.statusLine());
        assertEquals(
                "{\"error\":\"no_connector\",\"message\":\"No connector is online for db.example.com (tunnel "
                        + "office); start `connector run` for that tunnel or check its logs.\"}",
                a.body());
        assertFalse(connection.isOpen());
    }

    @Test
    void aMalformedRequestGets400() {
        Answer a = send("GET / HTTP/1.1\r\nHost: edge.example.com\r\nContent-Length: lots\r\n\r\n");
        assertEquals("HTTP/1.1 400 Bad Request", a.statusLine());
        assertEquals("Malformed HTTP request.\n", a.body());
        assertFalse(connection.isOpen());
    }

    /** An HTTP/1.1 answer as the client reads it. */
    private record Answer(String statusLine, String headers, String body) {
        static Answer parse(String raw) {
            int headEnd = raw.indexOf("\r\n\r\n");
            int lineEnd = raw.indexOf("\r\n");
            assertTrue(headEnd > 0, "an HTTP answer: " + raw);
            return new Answer(
                    raw.substring(0, lineEnd), raw.substring(lineEnd + 2, headEnd), raw.substring(headEnd + 4));
        }
    }
}
