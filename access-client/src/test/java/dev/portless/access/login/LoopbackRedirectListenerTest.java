package dev.portless.access.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loopback listener answers only the browser's redirect for its own sign-in. */
class LoopbackRedirectListenerTest {

    /** Returns the raw HTTP answer to one request line and Host header. */
    private static String get(URI redirect, String pathAndQuery, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", redirect.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String hostOf(URI redirect) {
        return "127.0.0.1:" + redirect.getPort();
    }

    @Test
    void refusesAForeignHostAndOtherPathsAndKeepsWaiting() throws Exception {
        try (LoopbackRedirectListener listener =
                LoopbackRedirectListener.start("s1", "db.example.com", Optional.empty())) {
            URI redirect = listener.redirectUri();
            assertEquals("http", redirect.getScheme());
            assertEquals("127.0.0.1", redirect.getHost());
            assertEquals("/callback", redirect.getPath());

            // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1.
            String rebound = get(redirect, "/callback?code=c&state=s1", "evil.example:" + redirect.getPort());
            assertTrue(rebound.startsWith("HTTP/1.1 400 "), rebound);
            assertTrue(get(redirect, "/callback?code=c&state=s1", "localhost:" + redirect.getPort())
                    .startsWith("HTTP/1.1 400 "));
            String other = get(redirect, "/favicon.ico", hostOf(redirect));
            assertTrue(other.startsWith("HTTP/1.1 404 "), other);
            assertTrue(get(redirect, "/callback/x?code=c&state=s1", hostOf(redirect))
                    .startsWith("HTTP/1.1 404 "));
            assertFalse(listener.callback().isDone(), "refused requests must not end the sign-in");

            // The page is held until the sign-in knows whether the code worked.
            try (Socket browser = new Socket("127.0.0.1", redirect.getPort())) {
                browser.setSoTimeout(5000);
                browser.getOutputStream()
                        .write(("GET /callback?code=the-code&state=s1 HTTP/1.1\r\nHost: " + hostOf(redirect)
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                BrowserCallback callback = listener.callback().get(5, TimeUnit.SECONDS);
                assertEquals("the-code", callback.code());
                assertTrue(callback.signedIn().await(5000));
                String page = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(page.startsWith("HTTP/1.1 200 "), page);
                assertTrue(page.contains("Signed in — you can close this tab"), page);
                assertTrue(page.toLowerCase().contains("cache-control: no-store"), page);
            }
        }
    }

    @Test
    void aForgedCallbackWithAWrongOrMissingStateIsIgnoredAndTheSignInGoesOn() throws Exception {
        try (LoopbackRedirectListener listener =
                LoopbackRedirectListener.start("s1", "db.example.com", Optional.empty())) {
            URI redirect = listener.redirectUri();
            for (String forged : List.of(
                    "/callback?code=c&state=s2",
                    "/callback?code=c",
                    "/callback?code=c&state=s1&state=s2",
                    "/callback?error=access_denied&state=wrong")) {
                String page = get(redirect, forged, hostOf(redirect));
                assertTrue(page.startsWith("HTTP/1.1 400 "), page);
                assertTrue(page.contains("state mismatch"), page);
                assertTrue(page.toLowerCase().contains("referrer-policy: no-referrer"), page);
            }
            assertFalse(listener.callback().isDone(), "a forged callback must not end the sign-in");

            try (Socket browser = new Socket("127.0.0.1", redirect.getPort())) {
                browser.setSoTimeout(5000);
                browser.getOutputStream()
                        .write(("GET /callback?code=real&state=s1 HTTP/1.1\r\nHost: " + hostOf(redirect) + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                assertEquals(
                        "real", listener.callback().get(5, TimeUnit.SECONDS).code());
            }
            String again = get(redirect, "/callback?code=c&state=s1", hostOf(redirect));
            assertTrue(again.contains("already been answered"), again);
        }
    }

    @Test
    void aPolicyRefusalSendsTheBrowserToTheEdgesPageAndEndsTheSignInAtOnce() throws Exception {
        URI page = URI.create("https://edge.example.com/not-allowed?app=db.example.com");
        try (LoopbackRedirectListener listener =
                LoopbackRedirectListener.start("s1", "db.example.com", Optional.of(page))) {
            URI redirect = listener.redirectUri();
            String answer = get(
                    redirect,
                    "/callback?error=access_denied&error_description="
                            + "bob%40example.com+is+not+allowed+to+reach+db.example.com.&state=s1",
                    hostOf(redirect));
            assertTrue(answer.startsWith("HTTP/1.1 303 "), answer);
            assertTrue(answer.toLowerCase().contains("location: " + page), answer);
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> listener.callback().get(5, TimeUnit.SECONDS));
            assertEquals(
                    "Access to db.example.com was denied at sign-in (bob@example.com is not allowed to reach "
                            + "db.example.com); ask the app's administrator for access, or sign in as someone else.",
                    e.getCause().getMessage());
        }
    }

    @Test
    void onlyGetIsServed() throws Exception {
        try (LoopbackRedirectListener listener =
                        LoopbackRedirectListener.start("s1", "db.example.com", Optional.empty());
                Socket s = new Socket("127.0.0.1", listener.redirectUri().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream()
                    .write(("POST /callback?code=c&state=s1 HTTP/1.1\r\nHost: " + hostOf(listener.redirectUri())
                                    + "\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 405 "), answer);
            assertFalse(listener.callback().isDone());
        }
    }
}
