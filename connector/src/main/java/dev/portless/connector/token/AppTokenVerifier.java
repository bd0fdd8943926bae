package dev.portless.connector.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.common.wire.AppTokenClaims;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks every app token passes, once at the edge on the upgrade and again at the
 * connector on the stream: ES256 only, the app-token {@code typ}, a published {@code kid}, a valid
 * signature, the exact issuer, exactly one audience equal to the app's hostname, and {@code exp},
 * {@code nbf} and {@code iat} within a small clock skew.
 *
 * <p>Pure and non-blocking: the caller hands it the key set, so it may run on an event loop.
 */
public final class AppTokenVerifier implements TokenVerifier {
    /** Clock difference tolerated between the edge and the connector. */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);

    // 9999-12-31T23:59:59Z, the last second an ISO-8601 year of four digits can name.
    private static final long LATEST_TIME_SECONDS = 253_402_300_799L;
    /** Longer than any app token the edge issues; larger inputs are not parsed. */
    static final int MAX_TOKEN_CHARS = 8 * 1024;

    private final String issuer;
    private final Clock clock;
    private final Duration skew;

    /** Returns a verifier that accepts tokens of {@code issuer} only. */
    public AppTokenVerifier(URI issuer, Clock clock, Duration skew) {
        this.issuer = requireNonNull(issuer, "issuer").toString();
        this.clock = requireNonNull(clock, "clock");
        this.skew = requireNonNull(skew, "skew");
    }

    /** Returns the issuer this verifier accepts. */
    public String issuer() {
        return issuer;
    }

    /**
     * Returns the {@code kid} of a token whose header has the app-token shape, so the caller can make
     * sure the key set holds it before {@link #verify}.
     *
     * @throws AppTokenException when the header is not that of an app token
     */
    public static String keyId(String token) throws AppTokenException {
        return header(token).getKeyID();
    }

    /**
     * Returns the claims of {@code token} when it passes every check for {@code audience}.
     *
     * @throws AppTokenException saying which check failed
     */
    @Override
    public VerifiedAppToken verify(String token, String audience, JWKSet keys) throws AppTokenException {
        requireNonNull(audience, "audience");
        requireNonNull(keys, "keys");
        JWSHeader header = header(token);
        JWK jwk = keys.getKeyByKeyId(header.getKeyID());
        if (!(jwk instanceof ECKey key) || !Curve.P_256.equals(key.getCurve())) {
            throw new AppTokenException(TokenRejection.UNKNOWN_KEY, "kid " + header.getKeyID());
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw new AppTokenException(TokenRejection.BAD_SIGNATURE, null);
            }
        } catch (ParseException | JOSEException | IllegalStateException e) {
            throw new AppTokenException(TokenRejection.BAD_SIGNATURE, e.getMessage());
        }
        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        if (claims == null) {
            throw new AppTokenException(TokenRejection.MALFORMED, "the payload is not a JSON object");
        }
        if (!issuer.equals(claims.get("iss"))) {
            throw new AppTokenException(TokenRejection.WRONG_ISSUER, "iss " + claims.get("iss"));
        }
        // Exactly one audience, as a string: a list, even of one, is not what the edge issues.
        if (!(claims.get("aud") instanceof String aud) || !aud.equals(audience)) {
            throw new AppTokenException(TokenRejection.WRONG_AUDIENCE, "aud " + claims.get("aud"));
        }
        Instant exp = time(claims, "exp");
        Instant nbf = time(claims, "nbf");
        Instant iat = time(claims, "iat");
        String sub = string(claims, "sub");
        String jti = string(claims, "jti");
        Instant now = clock.instant();
        if (now.isAfter(exp.plus(skew))) {
            throw new AppTokenException(TokenRejection.EXPIRED, "exp " + exp);
        }
        if (now.plus(skew).isBefore(nbf) || now.plus(skew).isBefore(iat)) {
            throw new AppTokenException(TokenRejection.NOT_YET_VALID, "nbf " + nbf);
        }
        Object email = claims.get(AppTokenClaims.EMAIL);
        if (email != null && !(email instanceof String)) {
            throw new AppTokenException(TokenRejection.MISSING_CLAIM, "email is not a string");
        }
        Object serviceToken = claims.get(AppTokenClaims.SERVICE_TOKEN);
        if (serviceToken != null && !(serviceToken instanceof String)) {
            throw new AppTokenException(TokenRejection.MISSING_CLAIM, "service_token is not a string");
        }
        return new VerifiedAppToken(
                sub,
                Optional.ofNullable((String) email),
                groups(claims),
                aud,
                iat,
                exp,
                jti,
                Optional.ofNullable((String) serviceToken));
    }

    /** Returns whether {@code token}, verified earlier, has not expired yet (with the clock skew). */
    @Override
    public boolean unexpired(VerifiedAppToken token) {
        return !clock.instant().isAfter(token.expiresAt().plus(skew));
    }

    private static JWSHeader header(String token) throws AppTokenException {
        requireNonNull(token, "token");
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AppTokenException(TokenRejection.MALFORMED, "longer than " + MAX_TOKEN_CHARS + " characters");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || token.chars().filter(c -> c == '.').count() != 2) {
            throw new AppTokenException(TokenRejection.MALFORMED, "not three dot-separated parts");
        }
        // One token, one spelling: padding or stray bits would let a refused or revoked token pass as a new string.
        for (String part : token.split("\\.", -1)) {
            if (!CanonicalBase64Url.isCanonical(part)) {
                throw new AppTokenException(TokenRejection.MALFORMED, "a part is not canonical unpadded base64url");
            }
        }
        Header parsed;
        try {
            parsed = Header.parse(new Base64URL(token.substring(0, dot)));
        } catch (ParseException e) {
            throw new AppTokenException(TokenRejection.MALFORMED, e.getMessage());
        }
        if (!(parsed instanceof JWSHeader header) || !JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new AppTokenException(TokenRejection.WRONG_ALGORITHM, "alg " + parsed.getAlgorithm());
        }
        if (header.getType() == null
                || !AppTokenClaims.TYPE.equals(header.getType().getType())) {
            throw new AppTokenException(TokenRejection.WRONG_TYPE, "typ " + header.getType());
        }
        if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
            throw new AppTokenException(TokenRejection.UNKNOWN_KEY, "no kid");
        }
        return header;
    }

    private static Instant time(Map<String, Object> claims, String name) throws AppTokenException {
        if (!(claims.get(name) instanceof Number n)) {
            throw new AppTokenException(TokenRejection.MISSING_CLAIM, name);
        }
        // A time past year 9999 would overflow Instant (and adding the skew to it): refused, never thrown.
        double seconds = n.doubleValue();
        if (!(seconds >= 0 && seconds <= LATEST_TIME_SECONDS)) {
            throw new AppTokenException(TokenRejection.MISSING_CLAIM, name + " is not a time between 1970 and 9999");
        }
        return Instant.ofEpochSecond(n.longValue());
    }

    private static String string(Map<String, Object> claims, String name) throws AppTokenException {
        if (!(claims.get(name) instanceof String s) || s.isEmpty()) {
            throw new AppTokenException(TokenRejection.MISSING_CLAIM, name);
        }
        return s;
    }

    private static List<String> groups(Map<String, Object> claims) throws AppTokenException {
        Object value = claims.get(AppTokenClaims.GROUPS);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new AppTokenException(TokenRejection.MISSING_CLAIM, "groups is not an array");
        }
        List<String> groups = new ArrayList<>(list.size());
        for (Object g : list) {
            if (!(g instanceof String s)) {
                throw new AppTokenException(TokenRejection.MISSING_CLAIM, "groups holds a non-string");
            }
            groups.add(s);
        }
        return groups;
    }
}
