package dev.portless.connector.edge.identity.oidc;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.common.json.Json;
import dev.portless.connector.edge.config.OidcProviderEntry;
import dev.portless.connector.edge.policy.Identity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One upstream OpenID Connect provider: discovery, the authorization request (code flow with
 * PKCE S256, {@code state} and {@code nonce}), the code exchange, and the ID token checks (signature
 * with the provider's JWKS, {@code iss}, {@code aud}/{@code azp}, {@code exp}, {@code iat},
 * {@code nonce}). Every call blocks, so it runs on the edge's web workers and a reload's thread only.
 */
public final class OidcProvider {
    private static final int TIMEOUT_SECONDS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);
    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final Duration JWKS_MIN_REFETCH = Duration.ofSeconds(30);
    private static final int MAX_RESPONSE = 512 * 1024;
    /** Asymmetric algorithms only: HMAC ID tokens would make the client secret a signing key. */
    private static final Set<JWSAlgorithm> ALLOWED = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA);

    private final OidcProviderEntry config;
    private final URI redirectUri;
    private final HttpClient http;
    private final Clock clock;
    // Guarded by this.
    private Discovery discovery;
    private JWKSet keys = new JWKSet();
    private Instant keysFetchedAt = Instant.EPOCH;

    /** Returns the provider of {@code config}, whose users come back to {@code redirectUri}. */
    public OidcProvider(OidcProviderEntry config, URI redirectUri, HttpClient http, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.redirectUri = requireNonNull(redirectUri, "redirectUri");
        this.http = requireNonNull(http, "http");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns the provider's configuration. */
    public OidcProviderEntry config() {
        return config;
    }

    /**
     * Fetches the provider's discovery document now, unless it was fetched before, so that a reload that adds or
     * changes the provider finds a wrong issuer or an unreachable provider before people do. Blocks within the
     * HTTP client's connect timeout and {@value #TIMEOUT_SECONDS} s for the answer: call it off the event loops.
     *
     * @throws IllegalStateException naming what failed, e.g. "the identity provider could not be reached (...)"
     */
    public void discover() {
        try {
            discovery();
        } catch (OidcException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Returns the URL that starts sign-in at the provider for {@code login}.
     *
     * @throws OidcException when discovery fails
     */
    String authorizationUrl(OidcLogin login) throws OidcException {
        Discovery d = discovery();
        return d.authorizationEndpoint + (d.authorizationEndpoint.contains("?") ? "&" : "?")
                + "response_type=code&client_id=" + enc(config.clientId())
                + "&redirect_uri=" + enc(redirectUri.toString())
                + "&scope=" + enc(String.join(" ", config.scopes()))
                + "&state=" + enc(login.state()) + "&nonce=" + enc(login.nonce())
                + "&code_challenge=" + enc(pkceChallenge(login.verifier())) + "&code_challenge_method=S256";
    }

    /**
     * Returns the identity the provider vouches for: redeems {@code code} and checks the ID token.
     *
     * @throws OidcException with a sentence for the user and a detail for the log
     */
    Identity redeem(String code, OidcLogin login) throws OidcException {
        Discovery d = discovery();
        String secret;
        try {
            secret = Files.readString(config.clientSecretFile()).strip();
        } catch (IOException e) {
            throw new OidcException("the edge cannot read its client secret", e.getMessage());
        }
        String form = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(redirectUri.toString())
                + "&code_verifier=" + enc(login.verifier());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(d.tokenEndpoint))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (d.postAuthOnly) {
            form += "&client_id=" + enc(config.clientId()) + "&client_secret=" + enc(secret);
        } else {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((enc(config.clientId()) + ":" + enc(secret))
                                            .getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Object> answer =
                json(request.POST(HttpRequest.BodyPublishers.ofString(form)).build(), "the token endpoint", true);
        if (!(answer.get("id_token") instanceof String idToken)) {
            Object error = answer.get("error");
            throw new OidcException(
                    "the identity provider did not accept the sign-in",
                    error != null
                            ? "token endpoint: " + error + " " + answer.get("error_description")
                            : "token endpoint answered without an id_token");
        }
        return identity(idToken, login.nonce());
    }

    /** Returns the identity in a checked ID token. */
    Identity identity(String idToken, String nonce) throws OidcException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(idToken);
        } catch (ParseException e) {
            throw new OidcException("the identity provider sent an unreadable ID token", e.getMessage());
        }
        JWSHeader header = jwt.getHeader();
        if (!ALLOWED.contains(header.getAlgorithm())) {
            throw new OidcException(
                    "the identity provider's ID token is signed with an algorithm the edge refuses",
                    "alg " + header.getAlgorithm());
        }
        verifySignature(jwt);
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new OidcException("the identity provider sent an unreadable ID token", e.getMessage());
        }
        Instant now = clock.instant();
        if (!config.issuer().toString().equals(claims.getIssuer())) {
            throw bad("iss " + claims.getIssuer());
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(config.clientId())) {
            throw bad("aud " + aud);
        }
        Object azp = claims.getClaim("azp");
        if (aud.size() > 1 && !config.clientId().equals(azp)
                || azp != null && !config.clientId().equals(azp)) {
            throw bad("azp " + azp);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || now.isAfter(exp.toInstant().plus(SKEW))) {
            throw bad("exp " + exp);
        }
        Date iat = claims.getIssueTime();
        if (iat == null || iat.toInstant().isAfter(now.plus(SKEW))) {
            throw bad("iat " + iat);
        }
        if (!nonce.equals(claims.getClaim("nonce"))) {
            throw bad("nonce mismatch");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty()) {
            throw bad("no sub");
        }
        Optional<String> email = Optional.empty();
        if (claims.getClaim("email") instanceof String e && !Boolean.FALSE.equals(claims.getClaim("email_verified"))) {
            email = Optional.of(e);
        }
        return Identity.user(config.name(), sub, email, groups(claims.getClaim(config.groupsClaim())));
    }

    private static List<String> groups(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            return list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return List.of();
    }

    private void verifySignature(SignedJWT jwt) throws OidcException {
        JWK key = key(jwt.getHeader(), false);
        if (key == null) {
            key = key(jwt.getHeader(), true);
        }
        if (key == null) {
            throw new OidcException(
                    "the identity provider's ID token is signed with an unknown key",
                    "kid " + jwt.getHeader().getKeyID());
        }
        try {
            Key publicKey = ((AsymmetricJWK) key).toPublicKey();
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), publicKey);
            if (!jwt.verify(verifier)) {
                throw new OidcException("the identity provider's ID token has a bad signature", "signature");
            }
        } catch (JOSEException | ClassCastException e) {
            throw new OidcException("the identity provider's ID token has a bad signature", e.getMessage());
        }
    }

    /** Returns the key for {@code header} from the cached JWKS, or after a fetch when {@code refetch}. */
    private synchronized JWK key(JWSHeader header, boolean refetch) throws OidcException {
        if (refetch || keys.isEmpty()) {
            if (!keys.isEmpty()
                    && Duration.between(keysFetchedAt, clock.instant()).compareTo(JWKS_MIN_REFETCH) < 0) {
                return null;
            }
            Map<String, Object> jwks = json(
                    HttpRequest.newBuilder(URI.create(discovery().jwksUri))
                            .timeout(TIMEOUT)
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    "the JWKS",
                    false);
            try {
                keys = JWKSet.parse(jwks).toPublicJWKSet();
                keysFetchedAt = clock.instant();
            } catch (ParseException e) {
                throw new OidcException("the identity provider's keys could not be read", e.getMessage());
            }
        }
        List<JWK> candidates = new ArrayList<>();
        for (JWK k : keys.getKeys()) {
            boolean kidMatches = header.getKeyID() == null || header.getKeyID().equals(k.getKeyID());
            boolean useMatches = k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse());
            boolean algMatches = k.getAlgorithm() == null || k.getAlgorithm().equals(header.getAlgorithm());
            if (kidMatches && useMatches && algMatches && k instanceof AsymmetricJWK) {
                candidates.add(k);
            }
        }
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    private synchronized Discovery discovery() throws OidcException {
        if (discovery != null) {
            return discovery;
        }
        String url = config.issuer() + "/.well-known/openid-configuration";
        Map<String, Object> doc = json(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(TIMEOUT)
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                "discovery",
                false);
        if (!config.issuer().toString().equals(doc.get("issuer"))) {
            throw new OidcException(
                    "the identity provider is misconfigured at the edge",
                    "discovery names issuer " + doc.get("issuer") + ", expected " + config.issuer());
        }
        String authorization = string(doc, "authorization_endpoint");
        String token = string(doc, "token_endpoint");
        String jwks = string(doc, "jwks_uri");
        boolean postOnly = false;
        if (doc.get("token_endpoint_auth_methods_supported") instanceof List<?> methods) {
            postOnly = !methods.contains("client_secret_basic") && methods.contains("client_secret_post");
        }
        discovery = new Discovery(authorization, token, jwks, postOnly);
        return discovery;
    }

    private static String string(Map<String, Object> doc, String name) throws OidcException {
        if (!(doc.get(name) instanceof String s) || !(s.startsWith("https://") || s.startsWith("http://"))) {
            throw new OidcException("the identity provider's discovery document is incomplete", "no " + name);
        }
        return s;
    }

    private Map<String, Object> json(HttpRequest request, String what, boolean errorBodiesToo) throws OidcException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OidcException("the identity provider could not be reached", what + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcException("the sign-in was interrupted", what);
        }
        boolean ok = response.statusCode() == 200 || errorBodiesToo && response.statusCode() / 100 == 4;
        if (!ok || response.body().length > MAX_RESPONSE) {
            throw new OidcException(
                    "the identity provider answered with an error", what + " answered HTTP " + response.statusCode());
        }
        try {
            return Json.readObject(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new OidcException("the identity provider answered something that is not JSON", what);
        }
    }

    private static OidcException bad(String detail) {
        return new OidcException("the identity provider's ID token did not pass the edge's checks", detail);
    }

    private static String pkceChallenge(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private record Discovery(
            String authorizationEndpoint, String tokenEndpoint, String jwksUri, boolean postAuthOnly) {}

    /** Thrown when an upstream sign-in fails: a clause for the user, a detail for the log. */
    static final class OidcException extends Exception {
        private final String clause;

        OidcException(String clause, String detail) {
            super(clause + " (" + detail + ")");
            this.clause = clause;
        }

        String clause() {
            return clause;
        }
    }
}
