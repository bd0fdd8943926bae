package dev.portless.connector.edge.identity.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.common.wire.AppTokenClaims;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.TokenIssue;
import dev.portless.connector.edge.policy.Identity;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * App tokens: JWTs signed ES256 with the current signing key, typed
 * {@value AppTokenClaims#TYPE}, for exactly one app.
 */
public final class AppTokenIssuer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI issuer;
    private final SigningKeys keys;
    private final Clock clock;
    private final EdgeEvents events;

    /** Returns an issuer that names itself {@code issuer} and signs with {@code keys}. */
    public AppTokenIssuer(URI issuer, SigningKeys keys, Clock clock) {
        this(issuer, keys, clock, EdgeEvents.NONE);
    }

    /** Returns an issuer that names itself {@code issuer}, signs with {@code keys} and tells {@code events} of each token. */
    public AppTokenIssuer(URI issuer, SigningKeys keys, Clock clock, EdgeEvents events) {
        this.issuer = requireNonNull(issuer, "issuer");
        this.keys = requireNonNull(keys, "keys");
        this.clock = requireNonNull(clock, "clock");
        this.events = requireNonNull(events, "events");
    }

    /** Returns a token for {@code identity} to reach {@code app}, valid from now for {@code lifetime}. */
    public IssuedToken issue(Identity identity, String app, Duration lifetime) {
        requireNonNull(identity, "identity");
        requireNonNull(app, "app");
        requireNonNull(lifetime, "lifetime");
        // Whole seconds: JWT times are NumericDates, and expires_in must match exp exactly.
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant expires = now.plusSeconds(Math.max(1, lifetime.toSeconds()));
        String jwtId = randomId();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer.toString())
                .audience(app)
                .subject(identity.subject())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(jwtId)
                .claim(AppTokenClaims.GROUPS, identity.groups());
        identity.email().ifPresent(e -> claims.claim(AppTokenClaims.EMAIL, e));
        identity.serviceToken().ifPresent(name -> claims.claim(AppTokenClaims.SERVICE_TOKEN, name));
        ECKey key = keys.signingKey();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AppTokenClaims.TYPE))
                .keyID(key.getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an app token: " + e.getMessage(), e);
        }
        events.tokenIssued(new TokenIssue(identity, app, jwtId, expires));
        return new IssuedToken(jwt.serialize(), jwtId, expires);
    }

    /** Returns the issuer URL the tokens name. */
    public URI issuer() {
        return issuer;
    }

    private static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * A signed token and when it expires.
     *
     * @param token     the compact JWT
     * @param jti       its {@code jti}, which names it in revocations
     * @param expiresAt its {@code exp}
     */
    public record IssuedToken(String token, String jti, Instant expiresAt) {
        /** Returns the token's remaining lifetime in whole seconds at {@code now}. */
        public long expiresInSeconds(Instant now) {
            return Math.max(0, expiresAt.getEpochSecond() - now.getEpochSecond());
        }

        @Override
        public String toString() {
            return "IssuedToken[expiresAt=" + expiresAt + "]";
        }
    }
}
