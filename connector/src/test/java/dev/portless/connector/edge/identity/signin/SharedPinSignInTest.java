package dev.portless.connector.edge.identity.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.identity.pin.PinProvider;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.edge.store.StoreUnavailableException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** PIN sign-in at edges sharing a store: a PIN asked for at one edge is answered at another, tries add up. */
class SharedPinSignInTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final URI ISSUER = URI.create("https://edge.test");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]*)\"");
    private static final Pattern PIN = Pattern.compile("code is (\\d{6})");

    private final Map<String, String> mailed = new HashMap<>();

    @Test
    void aPinAskedForAtOneEdgeSignsInAtAnother() {
        EdgeStore shared = new InMemoryEdgeStore(CLOCK);
        Browser browser = new Browser();
        browser.askForPin(new Edge(shared), "carol@example.com");
        WebResponse done = browser.answer(new Edge(shared), mailed.get("carol@example.com"));
        assertEquals(303, done.status(), done.bodyText());
        assertEquals("/", done.header("Location"));
        assertTrue(setCookies(done).stream().anyMatch(c -> c.startsWith(BrowserSessions.COOKIE + "=")), "signed in");
        assertTrue(setCookies(done).contains(PinProvider.clearedCookie()), "the challenge cookie is cleared");
    }

    @Test
    void wrongTriesAtTwoEdgesAddUpToOneLimit() {
        EdgeStore shared = new InMemoryEdgeStore(CLOCK);
        Edge a = new Edge(shared);
        Edge b = new Edge(shared);
        Browser browser = new Browser();
        browser.askForPin(a, "dave@example.com");
        String right = mailed.get("dave@example.com");
        String wrong = right.equals("000000") ? "111111" : "000000";
        for (int left = PinProvider.ATTEMPTS - 1; left >= 1; left--) {
            WebResponse r = browser.answer(left % 2 == 0 ? a : b, wrong);
            assertEquals(400, r.status());
            String shown = left + (left == 1 ? " attempt left." : " attempts left.");
            assertTrue(r.bodyText().contains(shown), r.bodyText());
            // A reload of the PIN page at the other edge shows the same tries left.
            WebResponse reload =
                    browser.send(left % 2 == 0 ? b : a, browser.request("GET", "/signin/pin/code", Map.of()));
            assertTrue(reload.bodyText().contains(shown), reload.bodyText());
        }
        WebResponse locked = browser.answer(b, wrong);
        assertTrue(locked.bodyText().contains("wrong 5 times and no longer works"), locked.bodyText());
        WebResponse late = browser.answer(a, right);
        assertTrue(
                late.bodyText().contains("wrong 5 times and no longer works"),
                "the right PIN no longer works at either edge: " + late.bodyText());
        assertTrue(setCookies(late).stream().noneMatch(c -> c.startsWith(BrowserSessions.COOKIE + "=")));
    }

    @Test
    void aPinPostedWithoutTheSessionOrTheChallengeCookieIsRefused() {
        EdgeStore shared = new InMemoryEdgeStore(CLOCK);
        Browser browser = new Browser();
        browser.askForPin(new Edge(shared), "erin@example.com");
        browser.cookies.remove(PinProvider.COOKIE);
        // The other edge knows the anonymous session, not which challenge it asked for: the cookie names that.
        WebResponse r = browser.answer(new Edge(shared), mailed.get("erin@example.com"));
        assertEquals(303, r.status());
        assertEquals("/signin", r.header("Location"));
        assertTrue(setCookies(r).stream().noneMatch(c -> c.startsWith(BrowserSessions.COOKIE + "=")));
        browser.cookies.remove(BrowserSessions.COOKIE);
        WebResponse neither = browser.answer(new Edge(shared), mailed.get("erin@example.com"));
        assertEquals(303, neither.status());
        assertTrue(neither.header("Location").contains("expired=1"), neither.header("Location"));
    }

    @Test
    void aStoreOutageWhileCheckingAPinFailsWithTheStoresSentence() {
        EdgeStore healthy = new InMemoryEdgeStore(CLOCK);
        EdgeStore failing = (EdgeStore) Proxy.newProxyInstance(
                EdgeStore.class.getClassLoader(), new Class<?>[] {EdgeStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("attemptPin")) {
                        throw new StoreUnavailableException("checking a PIN", new SQLException("connection refused"));
                    }
                    return method.invoke(healthy, args);
                });
        Browser browser = new Browser();
        Edge edge = new Edge(failing);
        browser.askForPin(edge, "frank@example.com");
        CompletionException e = assertThrows(
                CompletionException.class,
                () -> edge.router
                        .handle(browser.request("POST", "/signin/pin/code", Map.of("pin", "123456")))
                        .join());
        // EdgeWeb turns this exception into its 503 page, as for every other sign-in call.
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
    }

    private static List<String> setCookies(WebResponse r) {
        return r.headers().stream()
                .filter(h -> h.getKey().equals("Set-Cookie"))
                .map(Map.Entry::getValue)
                .toList();
    }

    /** One edge's sign-in pages, over the store it is given; PINs land in {@link #mailed}. */
    private final class Edge {
        final WebRouter router;

        Edge(EdgeStore store) {
            BrowserSessions sessions = new BrowserSessions(Duration.ofHours(1), CLOCK, store);
            PinProvider pin = new PinProvider(
                    "pin",
                    "E-mail",
                    (to, subject, body) -> {
                        Matcher m = PIN.matcher(body);
                        assertTrue(m.find(), body);
                        mailed.put(to, m.group(1));
                    },
                    EdgeLimits.DEFAULTS,
                    store,
                    CLOCK);
            this.router = new SignInPages(sessions, Optional.of(pin), List.of(), Map.of(), ISSUER, CLOCK, store)
                    .addRoutes(WebRouter.builder())
                    .build(Runnable::run);
        }
    }

    /** A browser: it keeps the cookies it is given and the CSRF token of the last page. */
    private static final class Browser {
        final Map<String, String> cookies = new HashMap<>();
        String csrf = "";

        void askForPin(Edge edge, String email) {
            send(edge, request("GET", "/signin", Map.of()));
            WebResponse sent = send(edge, request("POST", "/signin/pin", Map.of("email", email, "return", "/")));
            assertEquals("/signin/pin/code", sent.header("Location"), sent.bodyText());
            WebResponse entry = send(edge, request("GET", "/signin/pin/code", Map.of()));
            assertTrue(entry.bodyText().contains(PinProvider.ATTEMPTS + " attempts left."), entry.bodyText());
        }

        WebResponse answer(Edge edge, String pin) {
            return send(edge, request("POST", "/signin/pin/code", Map.of("pin", pin)));
        }

        WebResponse send(Edge edge, WebRequest request) {
            WebResponse r = edge.router.handle(request).join();
            for (String c : setCookies(r)) {
                cookies.put(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1, c.indexOf(';')));
            }
            Matcher m = CSRF.matcher(r.bodyText());
            if (m.find()) {
                csrf = m.group(1);
            }
            return r;
        }

        WebRequest request(String method, String path, Map<String, String> form) {
            Map<String, String> fields = new HashMap<>(form);
            if (method.equals("POST")) {
                fields.put("csrf", csrf);
            }
            return new WebRequest(
                    method,
                    path,
                    Map.of(),
                    fields,
                    Set.of(),
                    cookies,
                    new DefaultHttpHeaders().set("Host", "edge.test").set("Origin", "https://edge.test"),
                    InetAddress.getLoopbackAddress());
        }
    }
}
