package dev.portless.connector.run.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.AppTokenVerifier;
import dev.portless.connector.token.EdgeKeys;
import dev.portless.connector.token.TestEdgeKeys;
import dev.portless.connector.token.TokenForge;
import dev.portless.connector.token.TokenRejection;
import dev.portless.connector.token.TokenVerifier;
import dev.portless.connector.token.VerifiedAppToken;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connector remembers verified tokens, and a remembered token is refused exactly when a fresh one would be. */
class StreamTokenCheckTest {
    private static final String ISSUER = "https://edge.example.com";
    private static final String APP = "db.example.com";
    private static final ECKey K1 = TokenForge.newKey("k1");
    private static final ECKey K2 = TokenForge.newKey("k2");

    private HttpServer server;
    private final AtomicReference<String> jwks = new AtomicReference<>(new JWKSet(K1.toPublicJWK()).toString());
    private final Instant[] now = {Instant.now()};
    private final AtomicInteger fullChecks = new AtomicInteger();
    private StreamTokenCheck check;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", x -> {
            byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        EdgeKeys keys = TestEdgeKeys.fetchingFrom(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json"),
                HttpClient.newHttpClient(),
                clock);
        AppTokenVerifier rules = new AppTokenVerifier(URI.create(ISSUER), clock, Duration.ofSeconds(30));
        TokenVerifier counted = new TokenVerifier() {
            @Override
            public VerifiedAppToken verify(String token, String audience, JWKSet set) throws AppTokenException {
                fullChecks.incrementAndGet();
                return rules.verify(token, audience, set);
            }

            @Override
            public boolean unexpired(VerifiedAppToken token) {
                return rules.unexpired(token);
            }
        };
        check = new StreamTokenCheck(counted, keys);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aRememberedTokenStillPassesForItsApp() throws Exception {
        String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(K1);
        assertEquals("alice@example.com", verify(token, APP).subject());
        assertEquals("alice@example.com", verify(token, APP).subject());
    }

    @Test
    void aRememberedTokenIsAnsweredAtOnceWithoutAnotherFullCheck() throws Exception {
        String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(K1);
        verify(token, APP);
        CompletableFuture<VerifiedAppToken> again = check.check(new String(token.toCharArray()), APP);
        assertTrue(again.isDone(), "a remembered token waited for something");
        assertEquals("alice@example.com", again.get().subject());
        assertEquals(1, fullChecks.get());
    }

    @Test
    void aRememberedTokenIsRefusedForAnotherApp() throws Exception {
        String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(K1);
        verify(token, APP);
        assertEquals(TokenRejection.WRONG_AUDIENCE, rejection(token, "other.example.com"));
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
        String token = TokenForge.valid(ISSUER, APP, "k1")
                .claim("exp", now[0].getEpochSecond() + 60)
                .signedWith(K1);
        verify(token, APP);
        now[0] = now[0].plus(Duration.ofMinutes(2));
        assertEquals(TokenRejection.EXPIRED, rejection(token, APP));
    }

    @Test
    void aRememberedTokenIsRefusedOnceItsKeyIsWithdrawn() throws Exception {
        String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(K1);
        verify(token, APP);
        jwks.set(new JWKSet(K2.toPublicJWK()).toString());
        now[0] = now[0].plus(Duration.ofMinutes(10));
        check.keys().refresh().get(5, TimeUnit.SECONDS);
        assertEquals(TokenRejection.UNKNOWN_KEY, rejection(token, APP));
    }

    @Test
    void aTamperedTokenIsNotTakenForARememberedOne() throws Exception {
        String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(K1);
        verify(token, APP);
        assertEquals(TokenRejection.BAD_SIGNATURE, rejection(TokenForge.tampered(token), APP));
    }

    private VerifiedAppToken verify(String token, String app) throws Exception {
        return check.check(token, app).get(5, TimeUnit.SECONDS);
    }

    private TokenRejection rejection(String token, String app) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> verify(token, app));
        return assertInstanceOf(AppTokenException.class, e.getCause()).rejection();
    }
}
