package dev.portless.access.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.Credentials;
import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.testing.FakeAuthorizationServer;
import dev.portless.access.testing.FakeBrowser;
import dev.portless.access.testing.FakeEdge;
import dev.portless.access.testing.FakeEdge.Refusal;
import dev.portless.access.testing.TestCertificates;
import dev.portless.access.testing.TestTokens;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams carry the app token, sign in on demand, and sign in again once when the edge says the token is stale. */
class SignedInDialerTest {
    private static final String APP = "db.example.com";
    static TestCertificates certificates;
    static FakeAuthorizationServer server;
    static EventLoopGroup group;

    @TempDir
    Path config;

    final StringWriter errText = new StringWriter();
    final PrintWriter err = new PrintWriter(errText, true);

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        server = FakeAuthorizationServer.start(certificates);
        group = Transport.best().newGroup(1, "test");
    }

    @AfterAll
    static void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static String bearer(HttpHeaders h) {
        String a = h.get("Authorization");
        return a == null || !a.startsWith("Bearer ") ? null : a.substring(7);
    }

    /** Accepts tokens the fake authorization server issued; calls anything else expired. */
    private static final Function<HttpHeaders, Refusal> ISSUED_ONLY = h -> bearer(h) != null && server.issued(bearer(h))
            ? null
            : new Refusal(
                    401,
                    "{\"error\":\"token_expired\",\"message\":\"Your sign-in to " + APP
                            + " has expired.\",\"issuer\":\"" + server.edge() + "\"}");

    private EdgeDialer edgeDialer(FakeEdge edge) {
        return new EdgeDialer(
                EdgeEndpoint.parse(edge.url()),
                TlsContexts.client(Optional.of(certificates.caPem()), "http/1.1"),
                Transport.best(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10));
    }

    private SignedInDialer dialer(FakeEdge edge, FakeBrowser browser) {
        // The edge for streams and the authorization server are two fakes here; in Portless they are one.
        SignInSettings settings = new SignInSettings(
                EdgeEndpoint.parse(server.edge()),
                APP,
                Optional.of(certificates.caPem()),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                SignInFlow.BROWSER);
        AppSignIn signIn = new AppSignIn(settings, TokenCache.in(config), browser, err);
        return new SignedInDialer(edgeDialer(edge), signIn, Executors.newCachedThreadPool(), err);
    }

    @Test
    void signsInOnDemandAndSendsTheBearerToken() throws Exception {
        try (FakeEdge edge = FakeEdge.start(certificates, ISSUED_ONLY)) {
            int before = server.authorizations();
            Channel stream = dialer(edge, new FakeBrowser(certificates.caPem()))
                    .open(group.next(), APP)
                    .get(30, TimeUnit.SECONDS);
            assertTrue(stream.isActive());
            stream.close();
            assertEquals(before + 1, server.authorizations());
            assertEquals(1, edge.requests().size());
            assertTrue(server.issued(bearer(edge.requests().get(0))));
            assertNull(edge.requests().get(0).get("Access-Client-Id"));
        }
    }

    @Test
    void expiredCachedTokenIsDroppedAndSignInStartsOnce() throws Exception {
        String stale = TestTokens.mint(server.edge(), APP, "alice@example.com", Duration.ofHours(1));
        TokenCache.in(config)
                .store(new CachedToken(
                        server.edge(), APP, stale, Instant.now().plusSeconds(3600), "alice@example.com"));
        try (FakeEdge edge = FakeEdge.start(certificates, ISSUED_ONLY)) {
            int before = server.authorizations();
            Channel stream = dialer(edge, new FakeBrowser(certificates.caPem()))
                    .open(group.next(), APP)
                    .get(30, TimeUnit.SECONDS);
            assertTrue(stream.isActive());
            stream.close();

            assertEquals(before + 1, server.authorizations());
            assertEquals(2, edge.requests().size());
            assertEquals(stale, bearer(edge.requests().get(0)));
            String fresh = bearer(edge.requests().get(1));
            assertTrue(server.issued(fresh));
            assertEquals(
                    fresh,
                    TokenCache.in(config).find(server.edge(), APP).orElseThrow().token());
            assertTrue(
                    errText.toString().contains("access: Your sign-in to " + APP + " expired; signing in again."),
                    errText.toString());
        }
    }

    @Test
    void aTokenRefusedAgainIsNotRetriedForever() throws Exception {
        String stale = TestTokens.mint(server.edge(), APP, "alice@example.com", Duration.ofHours(1));
        TokenCache.in(config)
                .store(new CachedToken(
                        server.edge(), APP, stale, Instant.now().plusSeconds(3600), "alice@example.com"));
        try (FakeEdge edge = FakeEdge.start(
                certificates,
                h -> new Refusal(
                        401,
                        "{\"error\":\"bad_credentials\",\"message\":\"The edge could not verify your sign-in to " + APP
                                + ".\"}"))) {
            int before = server.authorizations();
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> dialer(edge, new FakeBrowser(certificates.caPem()))
                            .open(group.next(), APP)
                            .get(30, TimeUnit.SECONDS));
            assertInstanceOf(AccessException.class, e.getCause());
            assertEquals(
                    "The edge could not verify your sign-in to " + APP + ".",
                    e.getCause().getMessage());
            assertEquals(before + 1, server.authorizations(), "one sign-in, no more");
            assertEquals(2, edge.requests().size());
        }
    }

    @Test
    void aTokenFromAFreshSignInIsNotRetried() throws Exception {
        try (FakeEdge edge = FakeEdge.start(
                certificates,
                h -> new Refusal(
                        401,
                        "{\"error\":\"bad_credentials\",\"message\":\"The edge could not verify your sign-in.\"}"))) {
            int before = server.authorizations();
            assertThrows(
                    ExecutionException.class,
                    () -> dialer(edge, new FakeBrowser(certificates.caPem()))
                            .open(group.next(), APP)
                            .get(30, TimeUnit.SECONDS));
            assertEquals(before + 1, server.authorizations());
            assertEquals(1, edge.requests().size());
        }
    }

    @Test
    void policyRefusalNamesWhoIsSignedIn() throws Exception {
        server.email("bob@example.com");
        try (FakeEdge edge = FakeEdge.start(
                certificates,
                h -> new Refusal(
                        403,
                        "{\"error\":\"forbidden\",\"message\":\"The policy of " + APP
                                + " does not allow you in.\"}"))) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> dialer(edge, new FakeBrowser(certificates.caPem()))
                            .open(group.next(), APP)
                            .get(30, TimeUnit.SECONDS));
            assertEquals(
                    "The policy of " + APP + " does not allow you in (signed in as bob@example.com; `access logout "
                            + APP + "` to sign in as someone else).",
                    e.getCause().getMessage());
            assertEquals(1, edge.requests().size(), "a policy refusal is not a reason to sign in again");
        } finally {
            server.email("alice@example.com");
        }
    }

    @Test
    void serviceTokensWorkAsBefore() throws Exception {
        try (FakeEdge edge = FakeEdge.start(
                certificates,
                h -> "id-1".equals(h.get("Access-Client-Id")) && "s3cret".equals(h.get("Access-Client-Secret"))
                        ? null
                        : new Refusal(401, "{}"))) {
            int before = server.authorizations();
            StreamDialer dialer =
                    StreamDialer.withCredentials(edgeDialer(edge), Credentials.serviceToken("id-1", "s3cret"));
            Channel stream = dialer.open(group.next(), APP).get(30, TimeUnit.SECONDS);
            assertTrue(stream.isActive());
            stream.close();
            assertNull(edge.requests().get(0).get("Authorization"));
            assertEquals(before, server.authorizations());
            assertFalse(Credentials.serviceToken("id-1", "s3cret").toString().contains("s3cret"));
        }
    }
}
