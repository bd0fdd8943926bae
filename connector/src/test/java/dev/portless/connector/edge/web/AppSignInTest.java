package dev.portless.connector.edge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.SigningKeys;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.RulePolicy;
import dev.portless.connector.edge.policy.Selector;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A browser signs in to a web app through the edge and comes back with the app's own cookie. */
class AppSignInTest {
    private static final String APP = "grafana.example.com";
    private static final String EDGE = "edge.example.com:8443";

    @TempDir
    Path state;

    private final Clock clock = Clock.systemUTC();
    private final BrowserSessions sessions = new BrowserSessions(Duration.ofHours(1), clock);
    private final Map<String, AppRoute> apps = Map.of(
            APP,
            new AppRoute(
                    APP,
                    "office",
                    new RulePolicy(List.of(new Selector.EmailDomains(Set.of("example.com"))), List.of(), List.of()),
                    Duration.ofHours(8)));
    private AppTokenIssuer tokens;
    private BrowserSession signedIn;

    @BeforeEach
    void setUp() {
        SigningKeys keys = SigningKeys.open(state, Duration.ofDays(30), Duration.ofHours(25), clock);
        tokens = new AppTokenIssuer(URI.create("https://" + EDGE), keys, clock);
        signedIn = sessions.signIn(
                Optional.empty(), Identity.user("email", "ada", Optional.of("ada@example.com"), List.of()));
    }

    private WebRouter router(Duration codeLifetime) {
        return new AppSignIn(sessions, apps, tokens, codeLifetime, clock, new InMemoryEdgeStore(clock))
                .addRoutes(WebRouter.builder())
                .build(Runnable::run);
    }

    private static WebResponse get(WebRouter router, String host, String target, Map<String, String> cookies) {
        QueryStringDecoder uri = new QueryStringDecoder(target);
        Map<String, String> query = new HashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, v.get(0)));
        WebRequest request = new WebRequest(
                "GET",
                uri.path(),
                query,
                Map.of(),
                Set.of(),
                cookies,
                new DefaultHttpHeaders().set("Host", host),
                InetAddress.getLoopbackAddress());
        return router.handle(request).join();
    }

    /** Returns the callback URL the edge sends a signed-in browser to, for sign-in state {@code s}. */
    private String signIn(WebRouter router, String s) {
        WebResponse start = get(
                router,
                EDGE,
                AppSignIn.START_PATH + "?app=" + APP + "&state=" + s + "&return=%2Fd%2Fhome%3Fx%3D1",
                Map.of(AppCookies.SESSION, sessionId()));
        assertEquals(302, start.status(), start.bodyText());
        String location = start.header("Location");
        assertTrue(
                location.startsWith("https://" + APP + ":8443" + AppSignIn.CALLBACK_PATH + "?code="),
                "back to the app on the edge's port: " + location);
        assertTrue(location.endsWith("&state=" + s), location);
        return location.substring(location.indexOf(AppSignIn.CALLBACK_PATH));
    }

    @Test
    void aBrowserWithoutASessionSignsInFirstAndComesBack() {
        WebResponse r =
                get(router(Duration.ofSeconds(60)), EDGE, AppSignIn.START_PATH + "?app=" + APP + "&state=s1", Map.of());
        assertEquals(302, r.status());
        assertEquals(
                "/signin?return=%2Foauth%2Fapp%3Fapp%3Dgrafana.example.com%26state%3Ds1%26return%3D%252F",
                r.header("Location"));
    }

    @Test
    void theCallbackSetsTheAppCookieWithItsFlagsAndLandsOnTheReturnPath() {
        WebRouter router = router(Duration.ofSeconds(60));
        String callback = signIn(router, "s1");
        WebResponse r = get(router, APP + ":8443", callback, Map.of(AppCookies.STATE, "s1"));
        assertEquals(302, r.status(), r.bodyText());
        assertEquals("/d/home?x=1", r.header("Location"));
        List<String> cookies = r.headers().stream()
                .filter(h -> h.getKey().equals("Set-Cookie"))
                .map(Map.Entry::getValue)
                .toList();
        assertEquals(2, cookies.size());
        assertTrue(cookies.get(0).startsWith(AppCookies.APP + "=ey"), cookies.get(0));
        assertTrue(
                cookies.get(0).endsWith("; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=28800")
                        || cookies.get(0).endsWith("; Max-Age=28799"),
                cookies.get(0));
        assertEquals(AppCookies.STATE + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0", cookies.get(1));
    }

    @Test
    void aCallbackWhoseStateIsNotTheBrowsersIsRefused() {
        WebRouter router = router(Duration.ofSeconds(60));
        String callback = signIn(router, "s1");
        WebResponse r = get(router, APP, callback, Map.of(AppCookies.STATE, "another"));
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("This sign-in did not start in this browser"), r.bodyText());
        assertEquals(null, cookie(r, AppCookies.APP));
    }

    @Test
    void aCodeWorksOnce() {
        WebRouter router = router(Duration.ofSeconds(60));
        String callback = signIn(router, "s1");
        assertEquals(
                302, get(router, APP, callback, Map.of(AppCookies.STATE, "s1")).status());
        WebResponse replay = get(router, APP, callback, Map.of(AppCookies.STATE, "s1"));
        assertEquals(400, replay.status());
        assertTrue(replay.bodyText().contains("This sign-in link was already used"), replay.bodyText());
    }

    @Test
    void anExpiredCodeIsRefused() {
        WebRouter router = router(Duration.ZERO);
        String callback = signIn(router, "s1");
        WebResponse r = get(router, APP, callback, Map.of(AppCookies.STATE, "s1"));
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("This sign-in link expired"), r.bodyText());
    }

    @Test
    void aPersonThePolicyRefusesSeesTheNotAllowedPage() {
        signedIn = sessions.signIn(
                Optional.empty(), Identity.user("email", "eve", Optional.of("eve@elsewhere.org"), List.of()));
        WebResponse r = get(
                router(Duration.ofSeconds(60)),
                EDGE,
                AppSignIn.START_PATH + "?app=" + APP + "&state=s1",
                Map.of(AppCookies.SESSION, sessionId()));
        assertEquals(403, r.status());
        assertTrue(r.bodyText().contains("eve@elsewhere.org is not allowed to reach"), r.bodyText());
    }

    @Test
    void logoutClearsTheAppCookieOnTheAppHostOnly() {
        WebRouter router = router(Duration.ofSeconds(60));
        WebResponse r = get(router, APP, AppSignIn.LOGOUT_PATH, Map.of());
        assertEquals(200, r.status());
        assertEquals(
                AppCookies.APP + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0", cookie(r, AppCookies.APP));
        assertTrue(r.bodyText().contains("Sign in again"));
        assertEquals(
                List.of("\"cache\""),
                r.headers().stream()
                        .filter(h -> h.getKey().equals("Clear-Site-Data"))
                        .map(Map.Entry::getValue)
                        .toList(),
                "the browser drops the app's cached pages");
        assertEquals(404, get(router, EDGE, AppSignIn.LOGOUT_PATH, Map.of()).status());
    }

    /** Returns the id the signed-in browser's session cookie carries. */
    private String sessionId() {
        String c = sessions.cookie(signedIn);
        return c.substring(AppCookies.SESSION.length() + 1, c.indexOf(';'));
    }

    private static String cookie(WebResponse r, String name) {
        return r.headers().stream()
                .filter(h -> h.getKey().equals("Set-Cookie") && h.getValue().startsWith(name + "="))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
