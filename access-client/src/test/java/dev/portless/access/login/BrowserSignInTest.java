package dev.portless.access.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.testing.FakeAuthorizationServer;
import dev.portless.access.testing.FakeBrowser;
import dev.portless.access.testing.TestCertificates;
import dev.portless.access.testing.TestTokens;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser sign-in end to end against a fake authorization server and a fake browser. */
class BrowserSignInTest {
    private static final String APP = "db.example.com";
    static TestCertificates certificates;
    static FakeAuthorizationServer server;

    @TempDir
    Path config;

    final StringWriter errText = new StringWriter();
    final PrintWriter err = new PrintWriter(errText, true);

    @BeforeAll
    static void startServer(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        server = FakeAuthorizationServer.start(certificates);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private AppSignIn signIn(BrowserOpener browser, Duration timeout) {
        return signIn(server.edge(), Optional.of(certificates.caPem()), browser, timeout);
    }

    private AppSignIn signIn(String edge, Optional<Path> ca, BrowserOpener browser, Duration timeout) {
        SignInSettings settings = new SignInSettings(
                EdgeEndpoint.parse(edge), APP, ca, Duration.ofSeconds(5), timeout, SignInFlow.BROWSER);
        return new AppSignIn(settings, TokenCache.in(config), browser, err, Clock.systemUTC(), Sleeper.THREAD);
    }

    @Test
    void signsInCachesPrivatelyAndReuses() throws Exception {
        server.tokenLifetime(Duration.ofHours(1));
        int before = server.authorizations();
        FakeBrowser browser = new FakeBrowser(certificates.caPem());

        CachedToken token = signIn(browser, Duration.ofSeconds(30)).token();

        assertEquals(before + 1, server.authorizations());
        assertTrue(server.issued(token.token()));
        assertEquals("alice@example.com", token.identity());
        assertTrue(server.lastAuthorizeQuery().contains("app=" + APP), server.lastAuthorizeQuery());
        HttpResponse<String> page = browser.page().get(10, TimeUnit.SECONDS);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Signed in — you can close this tab"), page.body());
        assertTrue(errText.toString().contains("If it does not open, visit:"), errText.toString());
        assertTrue(errText.toString().contains("Waiting for the sign-in in your browser"), errText.toString());
        assertTrue(errText.toString().contains("Signed in to " + APP + " as alice@example.com"), errText.toString());
        assertTrue(!errText.toString().contains(token.token()), "the token must not be printed");

        Path dir = TokenCache.in(config).directory();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".json")).toList();
        }
        assertEquals(1, files.size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));

        // A new process (a new AppSignIn on the same directory) reuses the file: no browser.
        FakeBrowser unused = new FakeBrowser(certificates.caPem());
        assertEquals(
                token.token(), signIn(unused, Duration.ofSeconds(30)).token().token());
        assertEquals(0, unused.opened());
        assertEquals(before + 1, server.authorizations());
    }

    @Test
    void tokenWithinTheSkewOfExpirySignsInAgain() throws Exception {
        server.tokenLifetime(Duration.ofSeconds(20)); // less than the 30 s allowance
        try {
            int before = server.authorizations();
            CachedToken first = signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                    .token();
            CachedToken second = signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                    .token();
            assertEquals(before + 2, server.authorizations());
            assertNotEquals(first.token(), second.token());

            server.tokenLifetime(Duration.ofSeconds(45)); // more than the allowance: reused
            CachedToken third = signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                    .token();
            assertEquals(
                    third,
                    signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                            .token());
            assertEquals(before + 3, server.authorizations());
        } finally {
            server.tokenLifetime(Duration.ofHours(1));
        }
    }

    @Test
    void loginSignsInAgainEvenWithAValidToken() throws Exception {
        CachedToken first = signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                .token();
        CachedToken second = signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                .signIn();
        assertNotEquals(first.token(), second.token());
        assertEquals(
                second.token(),
                TokenCache.in(config).find(server.edge(), APP).orElseThrow().token());
    }

    @Test
    void aCallbackWithAWrongStateIsIgnoredAndNeverRedeemed() throws Exception {
        server.authorizeAnswer(FakeAuthorizationServer.Authorize.WRONG_STATE);
        try {
            FakeBrowser browser = new FakeBrowser(certificates.caPem());
            AccessException e = assertThrows(
                    AccessException.class,
                    () -> signIn(browser, Duration.ofSeconds(3)).token());
            // The sign-in kept waiting for the real redirect, which never came, until its own timeout.
            assertTrue(
                    e.getMessage().startsWith("Timed out after 3s waiting for the sign-in in the browser"),
                    e.getMessage());
            assertEquals(400, browser.page().get(10, TimeUnit.SECONDS).statusCode());
            assertTrue(server.tokenGrants().stream().noneMatch(g -> g.equals("authorization_code-after-forged")));
            assertTrue(TokenCache.in(config).list().isEmpty());
        } finally {
            server.authorizeAnswer(FakeAuthorizationServer.Authorize.CODE);
        }
    }

    @Test
    void aSpoofedEdgeAnswerNamingAnotherAppGetsNoToken() throws Exception {
        TokenCache.in(config)
                .store(new CachedToken(
                        server.edge(),
                        "other.example.com",
                        TestTokens.mint(server.edge(), "other.example.com", "alice@example.com", Duration.ofHours(1)),
                        Instant.now().plus(Duration.ofHours(1)),
                        "alice@example.com"));
        server.spoofApp("other.example.com");
        try {
            AccessException e = assertThrows(
                    AccessException.class,
                    () -> signIn(new FakeBrowser(certificates.caPem()), Duration.ofSeconds(30))
                            .token());
            assertEquals(
                    "The edge at " + server.edge() + " issued a token for another app than " + APP + "; check --edge.",
                    e.getMessage());
            assertTrue(TokenCache.in(config).find(server.edge(), APP).isEmpty(), "nothing cached for " + APP);
            assertEquals(
                    List.of("other.example.com"),
                    TokenCache.in(config).list().stream().map(CachedToken::app).toList(),
                    "the other app's token was neither used nor replaced");
        } finally {
            server.spoofApp(null);
        }
    }

    @Test
    void accessDeniedNamesWhoWasDenied() throws Exception {
        server.authorizeAnswer(FakeAuthorizationServer.Authorize.DENY);
        server.email("mallory@example.com");
        try {
            FakeBrowser browser = new FakeBrowser(certificates.caPem());
            AccessException e = assertThrows(
                    AccessException.class,
                    () -> signIn(browser, Duration.ofSeconds(30)).token());
            assertEquals(
                    "Access to " + APP + " was denied at sign-in (mallory@example.com is not allowed to reach " + APP
                            + "); ask the app's administrator for access, or sign in as someone else.",
                    e.getMessage());
            // The listener sends the browser on to the edge's own page, which knows who is signed in.
            HttpResponse<String> page = browser.page().get(10, TimeUnit.SECONDS);
            assertEquals(303, page.statusCode());
            assertEquals(
                    Optional.of(server.edge() + "/not-allowed?app=" + APP),
                    page.headers().firstValue("Location"));
        } finally {
            server.authorizeAnswer(FakeAuthorizationServer.Authorize.CODE);
            server.email("alice@example.com");
        }
    }

    @Test
    void timesOutWhenTheBrowserNeverComesBack() {
        AccessException e = assertThrows(
                AccessException.class,
                () -> signIn(uri -> {}, Duration.ofSeconds(1)).token());
        assertEquals(
                "Timed out after 1s waiting for the sign-in in the browser; run `access login " + APP
                        + "` again, or add --device to sign in with a code on another device.",
                e.getMessage());
    }

    @Test
    void browserThatCannotStartStillLeavesTheUrl() {
        AccessException e = assertThrows(
                AccessException.class,
                () -> signIn(
                                uri -> {
                                    throw new java.io.IOException("xdg-open: not found");
                                },
                                Duration.ofSeconds(1))
                        .token());
        assertTrue(e.getMessage().startsWith("Timed out after 1s"));
        assertTrue(
                errText.toString()
                        .contains("Could not start a browser (xdg-open: not found); open the URL above" + " yourself."),
                errText.toString());
        assertTrue(
                errText.toString()
                        .contains(server.edge() + "/authorize?response_type=code&client_id=portless-access"
                                + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A"),
                errText.toString());
    }

    @Test
    void unreachableEdgeIsOneSentence() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AccessException e = assertThrows(
                AccessException.class,
                () -> signIn(
                                "https://127.0.0.1:" + port,
                                Optional.of(certificates.caPem()),
                                uri -> {},
                                Duration.ofSeconds(5))
                        .token());
        assertEquals(
                "Cannot reach the edge at https://127.0.0.1:" + port + " to sign in: connection refused; check"
                        + " --edge and that the edge runs.",
                e.getMessage());
    }

    @Test
    void untrustedEdgeCertificateSaysWhichFlagFixesIt() {
        AccessException e = assertThrows(
                AccessException.class,
                () -> signIn(server.edge(), Optional.empty(), uri -> {}, Duration.ofSeconds(5))
                        .token());
        assertEquals(
                "The edge's TLS certificate at " + server.edge() + " is not trusted; pass --edge-ca (or"
                        + " PORTLESS_EDGE_CA) with the CA that signed it.",
                e.getMessage());
    }
}
