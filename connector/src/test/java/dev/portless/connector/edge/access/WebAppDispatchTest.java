package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** What the dispatcher does with a request to a web app's hostname, decided on the head. */
class WebAppDispatchTest {
    private static final String APP = TestEdge.APP;

    private final EmbeddedChannel connection = connection();

    private static EmbeddedChannel connection() {
        StreamServices services = TestEdge.services((h, app, c) ->
                Decision.deny(StreamError.UNAUTHENTICATED, "Sign-in is required to reach " + app.hostname() + "."));
        return TestEdge.http1(services);
    }

    private String send(String request) {
        return TestEdge.exchange(connection, request);
    }

    @Test
    void aBrowserWithoutCredentialsIsSentToSignInWithAStateCookie() {
        String answer = send("GET /d/home?x=1 HTTP/1.1\r\nHost: " + APP + ":8443\r\n"
                + "Accept: text/html,application/xhtml+xml\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 302 Found\r\n"), answer);
        String location = header(answer, "Location");
        assertTrue(location.startsWith("https://edge.example.com/oauth/app?app=db.example.com&state="), location);
        assertTrue(location.endsWith("&return=%2Fd%2Fhome%3Fx%3D1"), location);
        String state = location.substring(location.indexOf("state=") + 6, location.indexOf("&return"));
        assertEquals(
                "__Host-portless-state=" + state + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600",
                header(answer, "Set-Cookie"));
    }

    @Test
    void anApiClientWithoutCredentialsGets401JsonNamingTheSignIn() {
        String answer = send("GET /api/x HTTP/1.1\r\nHost: " + APP + "\r\nAccept: application/json\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 401 Unauthorized\r\n"), answer);
        assertTrue(
                answer.endsWith("{\"error\":\"unauthenticated\",\"message\":\"Sign-in is required to reach "
                        + "db.example.com.\",\"issuer\":\"https://edge.example.com\",\"login_url\":"
                        + "\"https://edge.example.com/oauth/authorize\"}"),
                answer);
    }

    @Test
    void aPostFromABrowserIsNotRedirected() {
        String answer = send(
                "POST /form HTTP/1.1\r\nHost: " + APP + "\r\nAccept: text/html\r\n" + "Content-Length: 2\r\n\r\nab");
        assertTrue(answer.startsWith("HTTP/1.1 401 Unauthorized\r\n"), answer);
        assertTrue(answer.contains("<title>Sign-in required"), answer);
    }

    @Test
    void theEdgesOwnPathsOnAnAppHostAreThePagesNotTheOrigin() {
        String answer = send("GET /.portless/logout HTTP/1.1\r\nHost: " + APP + "\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.endsWith("page /.portless/logout\n"), answer);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAtATime() {
        String answer = send("GET /healthz HTTP/1.1\r\nHost: edge.example.com\r\n\r\n"
                + "GET /signin HTTP/1.1\r\nHost: edge.example.com\r\n\r\n");
        int first = answer.indexOf("page /healthz");
        int second = answer.indexOf("page /signin");
        assertTrue(first > 0 && second > first, answer);
    }

    private static String header(String answer, String name) {
        for (String line : answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }
}
