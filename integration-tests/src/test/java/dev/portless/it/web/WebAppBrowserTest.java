package dev.portless.it.web;

import static dev.portless.it.peers.Chromium.awaitTitle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.Websocketd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person opens two web apps in a real Chromium through the real edge and connector, with nginx as
 * the origin: sign-in with an e-mail PIN, the app cookie's attributes, a reload, the second app without
 * a PIN, and {@code /.portless/logout}. With {@code PORTLESS_SCREENSHOTS=docs/screenshots} it saves each page.
 */
class WebAppBrowserTest {
    private static final String WIKI = "wiki.portless.test";
    private static final String DASHBOARD = "dashboard.portless.test";
    private static final String CHAT = "chat.portless.test";
    private static final String POLICY = "include:\n  - email-domains: [example.com]\n";
    private static final String EMAIL = "alice@example.com";

    private static FileOrigin origin;
    private static Path chatDir;
    private static Websocketd chat;
    private static SignInStack stack;

    @BeforeAll
    static void start() throws Exception {
        origin = FileOrigin.start("""
                default_type text/html;
                # Each visit reaches the edge: the test asks whether it lets the browser through.
                add_header Cache-Control no-store;
                """);
        Files.createDirectories(origin.www().resolve("some"));
        Files.writeString(
                origin.www().resolve("some/page"),
                "<!doctype html><html><head><title>Team wiki</title></head>"
                        + "<body><h1 id=heading>The page you asked for</h1></body></html>\n");
        chatDir = Files.createTempDirectory("web-chat");
        Files.createDirectories(chatDir.resolve("www"));
        // The page opens a WebSocket to its own host once loaded, sends one line and shows the answer.
        Files.writeString(chatDir.resolve("www/chat.html"), """
                <!doctype html><html><head><title>Chat</title></head><body><p id=answer>waiting</p><script>
                const ws = new WebSocket("wss://" + location.host + "/echo");
                ws.onopen = () => ws.send("hello through the tunnel");
                ws.onmessage = (m) => { document.getElementById("answer").textContent = m.data;
                                        document.title = "Chat answered"; };
                ws.onerror = () => { document.title = "Chat failed"; };
                ws.onclose = (e) => { if (document.title !== "Chat answered") document.title = "Chat closed " + e.code; };
                </script></body></html>
                """);
        chat = Websocketd.start(chatDir.resolve("www"));
        stack = SignInStack.builder()
                .app(WIKI, POLICY, "", origin.url())
                .app(DASHBOARD, POLICY, "", origin.url())
                .app(CHAT, POLICY, "", chat.url())
                .build()
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void aPageTalksToItsOriginOverAWebSocketAfterSignIn() {
        int edgePort = Integer.parseInt(stack.issuer().substring(stack.issuer().lastIndexOf(':') + 1));
        String page = "https://" + CHAT + ":" + edgePort + "/chat.html";
        try (Chromium chromium = Chromium.start(
                List.of(stack.edgeSpki()), List.of("--host-resolver-rules=MAP *.portless.test 127.0.0.1"))) {
            WebDriver browser = chromium.driver();
            stack.signInWithPin(browser, page, EMAIL);
            try {
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Chat answered"));
            } catch (RuntimeException e) {
                throw new AssertionError(
                        "the page's WebSocket got no answer: \"" + browser.getTitle() + "\" at "
                                + browser.getCurrentUrl() + "\nedge log:\n"
                                + stack.edge().stdout()
                                + stack.edge().stderr(),
                        e);
            }
            assertEquals(page, browser.getCurrentUrl());
            assertEquals(
                    "echo: hello through the tunnel",
                    browser.findElement(By.id("answer")).getText(),
                    "the origin's answer came back through edge and connector");
            chromium.screenshot("web-app-websocket");
        }
    }

    @Test
    void signsInOnceReloadsOpensASecondAppAndLogsOut() {
        int edgePort = Integer.parseInt(stack.issuer().substring(stack.issuer().lastIndexOf(':') + 1));
        String wiki = "https://" + WIKI + ":" + edgePort + "/some/page";
        String dashboard = "https://" + DASHBOARD + ":" + edgePort + "/some/page";
        try (Chromium chromium = Chromium.start(
                List.of(stack.edgeSpki()), List.of("--host-resolver-rules=MAP *.portless.test 127.0.0.1"))) {
            WebDriver browser = chromium.driver();
            stack.signInWithPin(browser, wiki, EMAIL);
            awaitOriginPage(browser, wiki);
            chromium.screenshot("web-app");

            Cookie cookie = browser.manage().getCookieNamed("__Host-portless-app");
            assertNotNull(
                    cookie,
                    "no app cookie after signing in: " + browser.manage().getCookies());
            assertTrue(cookie.isSecure(), "the app cookie is not Secure");
            assertTrue(cookie.isHttpOnly(), "the app cookie is not HttpOnly");
            assertEquals("Lax", cookie.getSameSite());
            assertEquals("/", cookie.getPath());

            browser.navigate().refresh();
            awaitOriginPage(browser, wiki);

            // The edge's session answers for the second app: no sign-in page.
            browser.get(dashboard);
            awaitOriginPage(browser, dashboard);

            browser.get("https://" + WIKI + ":" + edgePort + "/.portless/logout");
            awaitTitle(browser, "Signed out");
            assertTrue(browser.getPageSource().contains("You are signed out of <strong>" + WIKI + "</strong>"));
            chromium.screenshot("web-app-signed-out");
            assertNull(browser.manage().getCookieNamed("__Host-portless-app"), "the app cookie outlived logout");

            // The next visit goes through the edge's sign-in again, which the edge session answers.
            browser.get(wiki);
            awaitOriginPage(browser, wiki);
            Cookie renewed = browser.manage().getCookieNamed("__Host-portless-app");
            assertNotNull(renewed, "no app cookie after signing in again");
            assertNotEquals(cookie.getValue(), renewed.getValue());

            // Without the edge session, the next visit asks for the PIN.
            browser.get("https://" + WIKI + ":" + edgePort + "/.portless/logout");
            awaitTitle(browser, "Signed out");
            browser.get(stack.issuer() + "/signout");
            awaitTitle(browser, "Sign out");
            browser.findElement(By.cssSelector("form[action='/signout'] button"))
                    .click();
            awaitTitle(browser, "Signed out");
            browser.get(wiki);
            awaitTitle(browser, "Sign in");
            assertTrue(browser.getPageSource().contains(WIKI), browser.getPageSource());
            chromium.screenshot("web-app-sign-in");
        }
    }

    /** Waits for nginx's page at {@code url}, failing with what the browser shows instead. */
    private static void awaitOriginPage(WebDriver browser, String url) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.titleIs("Team wiki"));
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "expected nginx's page at " + url + ", got \"" + browser.getTitle() + "\" at "
                            + browser.getCurrentUrl() + ":\n" + browser.getPageSource() + "\nedge log:\n"
                            + stack.edge().stdout() + stack.edge().stderr(),
                    e);
        }
        assertEquals(url, browser.getCurrentUrl());
        assertEquals(
                "The page you asked for", browser.findElement(By.id("heading")).getText());
    }
}
