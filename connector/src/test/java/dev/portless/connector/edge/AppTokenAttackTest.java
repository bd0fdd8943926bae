package dev.portless.connector.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.SigningKeys;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.tunnel.ConnectorConnection;
import dev.portless.connector.edge.tunnel.OpenedStream;
import dev.portless.connector.edge.tunnel.StreamOpenException;
import dev.portless.connector.edge.tunnel.StreamOpener;
import dev.portless.connector.token.TokenForge;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every forged app token is refused twice: by the edge on the WebSocket upgrade, and by the connector
 * when a stream carrying it reaches it directly (the test plays an edge that forwards anything).
 */
class AppTokenAttackTest {
    private static final String APP = "echo.test";
    private static final String OTHER = "other.test";
    private static InProcessStack stack;
    private static ECKey edgeKey;

    @BeforeAll
    static void start() throws Exception {
        stack = InProcessStack.start("""
                  - hostname: echo.test
                    tunnel: tests
                    service-tokens: [ci]
                    policy:
                      include:
                        - email-domains: [example.com]
                  - hostname: other.test
                    tunnel: tests
                    policy:
                      include:
                        - emails: [bob@example.org]
                """, "");
        try (Stream<Path> files = Files.list(stack.dir().resolve("state/signing-keys"))) {
            Path file = files.filter(f -> f.toString().endsWith(".jwk.json"))
                    .findFirst()
                    .orElseThrow();
            edgeKey = (ECKey) JWK.parse(Files.readString(file));
        }
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static TokenForge valid() {
        return TokenForge.valid(stack.issuer(), APP, edgeKey.getKeyID());
    }

    private static Map<String, String> attacks() {
        long now = Instant.now().getEpochSecond();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("alg none", valid().unsigned());
        a.put(
                "HS256 keyed with the public JWK",
                valid().hmacWith(edgeKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        a.put("HS256 keyed with the public key's DER", valid().hmacWith(publicDer()));
        a.put("wrong aud", valid().claim("aud", OTHER).signedWith(edgeKey));
        a.put(
                "aud list holding the app and another",
                valid().claim("aud", List.of(APP, OTHER)).signedWith(edgeKey));
        a.put("wrong iss", valid().claim("iss", "https://evil.example.com").signedWith(edgeKey));
        a.put("missing exp", valid().claim("exp", null).signedWith(edgeKey));
        a.put("OIDC ID token (typ JWT)", valid().header("typ", "JWT").signedWith(edgeKey));
        a.put("tampered signature", TokenForge.tampered(valid().signedWith(edgeKey)));
        a.put(
                "unknown kid",
                TokenForge.valid(stack.issuer(), APP, "attacker").signedWith(TokenForge.newKey("attacker")));
        a.put(
                "expired beyond skew",
                valid().claim("iat", now - 7200)
                        .claim("nbf", now - 7200)
                        .claim("exp", now - 120)
                        .signedWith(edgeKey));
        return a;
    }

    @Test
    void theEdgeRefusesEachForgedToken() {
        attacks().forEach((name, token) -> {
            InProcessStack.Answer a = stack.upgrade(APP, Map.of("Authorization", "Bearer " + token));
            assertEquals(401, a.status(), name + ": " + a.body());
            String code = name.startsWith("expired") ? "token_expired" : "bad_credentials";
            assertTrue(a.body().contains("\"error\":\"" + code + "\""), name + ": " + a.body());
            assertTrue(a.body().contains("\"issuer\":\"" + stack.issuer() + "\""), name + ": " + a.body());
        });
    }

    @Test
    void theEdgeReadsCloudflaredsHeaderToo() {
        InProcessStack.Answer a = stack.upgrade(APP, Map.of("Cf-Access-Token", valid().unsigned()));
        assertEquals(401, a.status(), a.body());
    }

    @Test
    void theConnectorRefusesEachForgedTokenOnItsOwn() {
        attacks().forEach((name, token) -> {
            StreamError expected = name.startsWith("expired") ? StreamError.TOKEN_EXPIRED : StreamError.TOKEN_REJECTED;
            assertEquals(expected, openDirectly(APP, token), name);
        });
        assertEquals(StreamError.TOKEN_REJECTED, openDirectly(APP, null), "no token at all");
    }

    @Test
    void theConnectorChecksTheAudienceAgainstTheStreamsAuthority() {
        // A genuine token of the edge, for another app: an edge bug forwarding it must not open the stream.
        String forOther = issuer().issue(
                        Identity.user("pin", "bob@example.org", Optional.of("bob@example.org"), List.of()),
                        OTHER,
                        Duration.ofMinutes(5))
                .token();
        assertEquals(StreamError.TOKEN_REJECTED, openDirectly(APP, forOther));
        assertEquals(null, openDirectly(OTHER, forOther));
    }

    @Test
    void genuineTokensPassBothChecks() {
        String token = issuer().issue(
                        Identity.user("pin", "alice@example.com", Optional.of("alice@example.com"), List.of()),
                        APP,
                        Duration.ofMinutes(5))
                .token();
        assertEquals(null, openDirectly(APP, token));
        assertEquals(
                101,
                stack.upgrade(APP, Map.of("Authorization", "Bearer " + token)).status());
        assertEquals(
                101,
                stack.upgrade(APP, Map.of("Authorization", "bearer  " + token)).status());
    }

    @Test
    void aSignedInPersonThePolicyRefusesGetsForbiddenNamingThemAndTheApp() {
        String token = issuer().issue(
                        Identity.user("pin", "carol@example.org", Optional.of("carol@example.org"), List.of()),
                        APP,
                        Duration.ofMinutes(5))
                .token();
        InProcessStack.Answer a = stack.upgrade(APP, Map.of("Authorization", "Bearer " + token));
        assertEquals(403, a.status());
        assertEquals(
                "{\"error\":\"forbidden\",\"message\":\"carol@example.org is signed in but not allowed to reach "
                        + "echo.test; ask the app's administrator for access.\"}",
                a.body());
    }

    @Test
    void serviceTokensStillWorkAndTheConnectorChecksTheTokenTheEdgeMinted() {
        Map<String, String> headers =
                Map.of("Access-Client-Id", stack.clientId(), "Access-Client-Secret", stack.clientSecret());
        assertEquals(101, stack.upgrade(APP, headers).status());
        assertEquals(
                101,
                stack.upgrade(
                                APP,
                                Map.of(
                                        "Cf-Access-Client-Id",
                                        stack.clientId(),
                                        "Cf-Access-Client-Secret",
                                        stack.clientSecret()))
                        .status());
        InProcessStack.Answer other = stack.upgrade(OTHER, headers);
        assertEquals(403, other.status(), other.body());
    }

    @Test
    void noCredentialsAsksForSignInAndNamesTheIssuer() {
        InProcessStack.Answer a = stack.upgrade(APP, Map.of());
        assertEquals(401, a.status());
        assertEquals(
                "{\"error\":\"unauthenticated\",\"message\":\"Sign-in is required to reach echo.test: sign in "
                        + "with the access CLI (it opens your browser), or pass a service token.\",\"issuer\":\""
                        + stack.issuer() + "\",\"login_url\":\"" + stack.issuer() + "/oauth/authorize\"}",
                a.body());
    }

    @Test
    void theEdgePublishesItsKeysWithoutPrivateParts() {
        var r = stack.get("/.well-known/jwks.json");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(edgeKey.getKeyID()));
        assertTrue(!r.body().contains("\"d\""), r.body());
    }

    /** Returns null when the connector accepted the stream, else its error. */
    private static StreamError openDirectly(String app, String token) {
        ConnectorConnection c =
                stack.edge().registry().pick(InProcessStack.TUNNEL).orElseThrow();
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST")
                .scheme("https")
                .authority(app)
                .path(TunnelProtocol.STREAM_PATH)
                .set(TunnelProtocol.STREAM_ID, "999")
                .set(TunnelProtocol.IDENTITY, "attacker");
        if (token != null) {
            h.set(TunnelProtocol.APP_TOKEN, token);
        }
        try {
            OpenedStream opened =
                    new StreamOpener(Duration.ofSeconds(10)).open(c, h).get(20, TimeUnit.SECONDS);
            opened.channel().close();
            return null;
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof StreamOpenException s) {
                return s.error();
            }
            fail(e);
            return null;
        } catch (Exception e) {
            fail(e);
            return null;
        }
    }

    private static AppTokenIssuer issuer() {
        SigningKeys keys = SigningKeys.open(
                stack.dir().resolve("state"), Duration.ofDays(30), Duration.ofDays(2), Clock.systemUTC());
        return new AppTokenIssuer(URI.create(stack.issuer()), keys, Clock.systemUTC());
    }

    private static byte[] publicDer() {
        try {
            return edgeKey.toECPublicKey().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
