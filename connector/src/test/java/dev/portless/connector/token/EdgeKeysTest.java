package dev.portless.connector.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeKeysTest {
    private static final ECKey K1 = TokenForge.newKey("k1");
    private static final ECKey K2 = TokenForge.newKey("k2");

    private HttpServer server;
    private final AtomicReference<String> jwks = new AtomicReference<>(new JWKSet(K1.toPublicJWK()).toString());
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger fetches = new AtomicInteger();
    private final Instant[] now = {Instant.parse("2026-11-01T00:00:00Z")};
    private EdgeKeys keys;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", x -> {
            fetches.incrementAndGet();
            byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status.get(), body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        keys = new EdgeKeys(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json"),
                HttpClient.newHttpClient(),
                clock);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fetchesOnDemandAndPicksUpARotatedKey() throws Exception {
        assertNotNull(keys.withKey("k1").get(5, TimeUnit.SECONDS).getKeyByKeyId("k1"));
        jwks.set(new JWKSet(java.util.List.of(K1.toPublicJWK(), K2.toPublicJWK())).toString());
        // Right after a fetch an unknown kid does not fetch again...
        assertNull(keys.withKey("k2").get(5, TimeUnit.SECONDS).getKeyByKeyId("k2"));
        assertEquals(1, fetches.get());
        // ...a few seconds later it does.
        now[0] = now[0].plus(EdgeKeys.MIN_REFETCH).plusMillis(1);
        assertNotNull(keys.withKey("k2").get(5, TimeUnit.SECONDS).getKeyByKeyId("k2"));
        assertEquals(2, fetches.get());
        assertNotNull(keys.withKey("k1").get(5, TimeUnit.SECONDS).getKeyByKeyId("k1"), "cached");
        assertEquals(2, fetches.get());
    }

    @Test
    void forgedKidsCannotHammerTheEdge() throws Exception {
        keys.withKey("k1").get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            keys.withKey("forged-" + i).get(5, TimeUnit.SECONDS);
        }
        assertEquals(1, fetches.get());
    }

    @Test
    void keepsTheLastGoodKeysWhenAFetchFailsAndSaysWhy() throws Exception {
        keys.withKey("k1").get(5, TimeUnit.SECONDS);
        status.set(500);
        now[0] = now[0].plus(Duration.ofMinutes(6));
        JWKSet after = keys.refresh().get(5, TimeUnit.SECONDS);
        assertNotNull(after.getKeyByKeyId("k1"));
        assertTrue(
                keys.lastFailure().orElseThrow().contains("HTTP 500"),
                keys.lastFailure().get());
    }

    @Test
    void aFailedFirstFetchIsRetriedAfterASecondNotFive() throws Exception {
        status.set(500);
        assertTrue(keys.withKey("k1").get(5, TimeUnit.SECONDS).isEmpty());
        status.set(200);
        now[0] = now[0].plusMillis(500);
        assertTrue(keys.withKey("k1").get(5, TimeUnit.SECONDS).isEmpty(), "half a second after: no new fetch yet");
        assertEquals(1, fetches.get());
        now[0] = now[0].plus(EdgeKeys.MIN_RETRY);
        assertNotNull(keys.withKey("k1").get(5, TimeUnit.SECONDS).getKeyByKeyId("k1"));
        assertEquals(2, fetches.get());
        assertTrue(keys.lastFailure().isEmpty());
    }

    @Test
    void dropsPrivatePartsFromWhatItFetched() throws Exception {
        jwks.set(new JWKSet(K1).toString(false));
        JWKSet fetched = keys.withKey("k1").get(5, TimeUnit.SECONDS);
        assertTrue(!fetched.getKeyByKeyId("k1").isPrivate());
    }
}
