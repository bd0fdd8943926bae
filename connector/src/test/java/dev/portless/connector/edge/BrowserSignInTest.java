package dev.portless.connector.edge;

import static dev.portless.connector.edge.HttpBrowser.csrf;
import static dev.portless.connector.edge.HttpBrowser.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BrowserSignInTest {
    private static InProcessStack stack;

    @BeforeAll
    static void start() {
        stack = InProcessStack.start("""
                  - hostname: ssh.test
                    tunnel: tests
                    policy:
                      include:
                        - email-domains: [example.com]
                  - hostname: db.test
                    tunnel: tests
                    policy:
                      include:
                        - emails: [dba@example.com]
                """, "");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theLauncherAsksForSignInFirst() {
        HttpResponse<String> r = new HttpBrowser(stack).get("/");
        assertEquals(302, r.statusCode());
        assertEquals(Optional.of("/signin?return=%2F"), location(r));
    }

    @Test
    void theSessionCookieIsHostOnlySecureHttpOnlyLax() {
        HttpBrowser b = new HttpBrowser(stack);
        HttpResponse<String> page = b.get("/signin");
        assertEquals(200, page.statusCode());
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(
                cookie.matches("__Host-portless-session=[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; "
                        + "SameSite=Lax; Max-Age=1[78]\\d\\d"),
                cookie);
        assertTrue(page.headers()
                .firstValue("Content-Security-Policy")
                .orElseThrow()
                .startsWith("default-src 'none'"));
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        assertTrue(page.body().contains("<label for=\"email\">"), page.body());
    }

    @Test
    void signsInWithAPinAndRotatesTheSession() {
        HttpBrowser b = new HttpBrowser(stack);
        b.get("/signin");
        String anonymous = b.session();
        assertEquals("/", b.signInWithPin("alice@example.com", "/"));
        assertNotEquals(anonymous, b.session(), "a new session id at sign-in");
        HttpResponse<String> launcher = b.get("/");
        assertEquals(200, launcher.statusCode());
        assertTrue(launcher.body().contains("alice@example.com"), launcher.body());
        assertTrue(launcher.body().contains("access tcp --hostname ssh.test"), launcher.body());
        assertFalse(launcher.body().contains("db.test"), "only apps alice may reach");
        // The pre-sign-in id is worthless afterwards.
        HttpBrowser planted = new HttpBrowser(stack);
        planted.session(anonymous);
        assertEquals(302, planted.get("/").statusCode());
    }

    @Test
    void showsAttemptsLeftAndLocksAfterFiveWrongPins() {
        HttpBrowser b = new HttpBrowser(stack);
        HttpResponse<String> page = b.get("/signin");
        b.post("/signin/pin", Map.of("csrf", csrf(page), "email", "bob@example.com", "return", "/"));
        HttpResponse<String> entry = b.get("/signin/pin/code");
        assertTrue(entry.body().contains("5 attempts left."), entry.body());
        String right = b.pinFor("bob@example.com");
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int left = 4; left >= 1; left--) {
            HttpResponse<String> r = b.post("/signin/pin/code", Map.of("csrf", csrf(entry), "pin", wrong));
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains(left + (left == 1 ? " attempt left." : " attempts left.")), r.body());
        }
        HttpResponse<String> locked = b.post("/signin/pin/code", Map.of("csrf", csrf(entry), "pin", wrong));
        assertTrue(locked.body().contains("wrong 5 times and no longer works"), locked.body());
        HttpResponse<String> late = b.post("/signin/pin/code", Map.of("csrf", csrf(entry), "pin", right));
        assertEquals(303, late.statusCode());
        assertEquals(Optional.of("/signin"), location(late), "the right PIN no longer works either");
    }

    @Test
    void refusesFormsWithoutTheSessionsCsrfToken() {
        HttpBrowser b = new HttpBrowser(stack);
        b.get("/signin");
        HttpResponse<String> r =
                b.post("/signin/pin", Map.of("csrf", "forged", "email", "eve@example.com", "return", "/"));
        assertEquals(303, r.statusCode());
        assertTrue(location(r).orElseThrow().contains("expired=1"));
        HttpBrowser other = new HttpBrowser(stack);
        HttpResponse<String> page = other.get("/signin");
        HttpResponse<String> crossSite = stack.post(
                "/signin/pin",
                Map.of("csrf", csrf(page), "email", "eve@example.com", "return", "/"),
                "Cookie",
                HttpBrowser.COOKIE + "=" + other.session(),
                "Origin",
                "https://evil.example.com");
        assertTrue(location(crossSite).orElseThrow().contains("expired=1"), "a foreign Origin is refused");
    }

    @Test
    void neverRedirectsOffTheEdgeAfterSignIn() {
        for (String evil : List.of(
                "https://evil.example.com/",
                "//evil.example.com/",
                "/\\evil.example.com",
                "/%2F%2Fevil.example.com",
                "javascript:alert(1)",
                "/ok\r\nLocation: https://evil.example.com")) {
            HttpBrowser b = new HttpBrowser(stack);
            assertEquals("/", b.signInWithPin("carol" + evil.length() + "@example.com", evil), evil);
        }
        HttpBrowser b = new HttpBrowser(stack);
        assertEquals("/device?user_code=BCDF-GHJK", b.signInWithPin("dave@example.com", "/device?user_code=BCDF-GHJK"));
    }

    @Test
    void signOutEndsTheSession() {
        HttpBrowser b = new HttpBrowser(stack);
        b.signInWithPin("erin@example.com", "/");
        String id = b.session();
        HttpResponse<String> launcher = b.get("/");
        HttpResponse<String> out = b.post("/signout", Map.of("csrf", csrf(launcher)));
        assertEquals(200, out.statusCode());
        assertTrue(out.headers()
                .allValues("Set-Cookie")
                .contains("__Host-portless-session=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"));
        HttpBrowser old = new HttpBrowser(stack);
        old.session(id);
        assertEquals(302, old.get("/").statusCode());
    }

    @Test
    void refusesAddressesThatAreNotEmail() {
        HttpBrowser b = new HttpBrowser(stack);
        HttpResponse<String> page = b.get("/signin");
        HttpResponse<String> r =
                b.post("/signin/pin", Map.of("csrf", csrf(page), "email", "not an address", "return", "/"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("is not an e-mail address"), r.body());
    }

    @Test
    void unknownPathsGetAPage() {
        HttpResponse<String> r = stack.get("/nope");
        assertEquals(404, r.statusCode());
        assertEquals("ok\n", stack.get("/healthz").body());
    }

    private static String alpnChosen(String... offered) throws Exception {
        URI issuer = URI.create(stack.issuer());
        try (SSLSocket s =
                (SSLSocket) stack.tls().getSocketFactory().createSocket(issuer.getHost(), issuer.getPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(offered);
            s.setSSLParameters(p);
            s.startHandshake();
            return s.getApplicationProtocol();
        }
    }

    @Test
    void theClientListenerPrefersPortlessH2ThenH2ThenHttp11() throws Exception {
        assertEquals("portless-h2", alpnChosen("http/1.1", "h2", "portless-h2"));
        assertEquals("h2", alpnChosen("http/1.1", "h2"));
        assertEquals("http/1.1", alpnChosen("http/1.1"));
    }

    @Test
    void theSignInPageAnswersABrowserOverH2() {
        HttpResponse<String> page = new HttpBrowser(stack).get("/signin");
        assertEquals(200, page.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, page.version());
    }
}
