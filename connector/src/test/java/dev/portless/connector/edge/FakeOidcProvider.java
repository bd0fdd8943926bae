package dev.portless.connector.edge;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A small OpenID Connect provider on loopback for the edge's unit-level tests: discovery,
 * JWKS, an authorization endpoint that signs in {@link #user} at once, and a token endpoint that checks
 * the client secret, the redirect URI and PKCE. Tests bend the ID token to play an attacker.
 */
final class FakeOidcProvider implements AutoCloseable {
    static final String CLIENT_ID = "portless-edge";

    private final HttpServer server;
    private final RSAKey key;
    private final Map<String, Pending> codes = new ConcurrentHashMap<>();
    volatile String user = "alice@corp.example";
    volatile List<String> groups = List.of("engineers");
    volatile UnaryOperator<JWTClaimsSet.Builder> claims = UnaryOperator.identity();
    volatile String signing = "RS256";
    volatile String lastAuthorizeQuery;
    /** How many times the discovery document was fetched. */
    final AtomicInteger discoveries = new AtomicInteger();

    FakeOidcProvider() throws IOException, JOSEException {
        key = new RSAKeyGenerator(2048)
                .keyID("fake-1")
                .algorithm(JWSAlgorithm.RS256)
                .generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", x -> {
            discoveries.incrementAndGet();
            json(x, 200, """
                    {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                     "jwks_uri":"%1$s/jwks","token_endpoint_auth_methods_supported":["client_secret_basic"],
                     "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer()));
        });
        server.createContext("/jwks", x -> json(x, 200, new JWKSet(key.toPublicJWK()).toString()));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.start();
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Returns the identity-providers item of edge.yml for this provider. */
    String yaml() {
        return """
                  - name: fake
                    type: oidc
                    display-name: Fake SSO
                    issuer: %s
                    client-id: %s
                    client-secret-file: oidc-secret
                """.formatted(issuer(), CLIENT_ID);
    }

    private void authorize(HttpExchange x) throws IOException {
        lastAuthorizeQuery = x.getRequestURI().getRawQuery();
        Map<String, List<String>> q = new QueryStringDecoder(x.getRequestURI()).parameters();
        String code = "code-" + System.nanoTime();
        codes.put(
                code,
                new Pending(
                        q.get("nonce").get(0),
                        q.get("code_challenge").get(0),
                        q.get("redirect_uri").get(0)));
        x.getResponseHeaders()
                .add(
                        "Location",
                        q.get("redirect_uri").get(0) + "?code=" + code + "&state="
                                + URLEncoder.encode(q.get("state").get(0), StandardCharsets.UTF_8));
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    private void token(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> form = new QueryStringDecoder(body, false).parameters();
        String basic = "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                (CLIENT_ID + ":" + InProcessStack.OIDC_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!basic.equals(x.getRequestHeaders().getFirst("Authorization"))) {
            json(x, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        Pending p = codes.remove(form.get("code").get(0));
        if (p == null
                || !p.redirectUri.equals(form.get("redirect_uri").get(0))
                || !p.challenge.equals(s256(form.get("code_verifier").get(0)))) {
            json(x, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        json(
                x,
                200,
                "{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken(p.nonce) + "\"}");
    }

    private String idToken(String nonce) {
        try {
            long now = System.currentTimeMillis();
            JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                    .issuer(issuer())
                    .audience(CLIENT_ID)
                    .subject("sub-" + user)
                    .issueTime(new Date(now))
                    .expirationTime(new Date(now + 300_000))
                    .claim("nonce", nonce)
                    .claim("azp", CLIENT_ID)
                    .claim("email", user)
                    .claim("email_verified", true)
                    .claim("groups", groups);
            JWTClaimsSet set = claims.apply(b).build();
            if (signing.equals("HS256")) {
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.HS256)
                                .keyID("fake-1")
                                .build(),
                        set);
                jwt.sign(new MACSigner(
                        (InProcessStack.OIDC_SECRET + InProcessStack.OIDC_SECRET).getBytes(StandardCharsets.UTF_8)));
                return jwt.serialize();
            }
            RSAKey signer = signing.equals("unknown-key")
                    ? new RSAKeyGenerator(2048).keyID("other").generate()
                    : key;
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(signer.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    set);
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private record Pending(String nonce, String challenge, String redirectUri) {}
}
