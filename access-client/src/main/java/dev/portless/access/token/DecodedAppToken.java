package dev.portless.access.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the CLI reads from an app token: expiry, audience and who signed in.
 *
 * <p>Decoded, never verified: the CLI only shows and schedules with these; the edge and the
 * connector verify the signature.
 *
 * @param audience  the {@code aud} values (the app hostname)
 * @param subject   {@code sub}, or empty
 * @param email     {@code email}, or empty
 * @param expiresAt {@code exp}, when present
 */
public record DecodedAppToken(List<String> audience, String subject, String email, Optional<Instant> expiresAt) {

    /** Returns the claims of {@code token}; throws with a sentence when it is not a signed JWT. */
    public static DecodedAppToken decode(String token) {
        requireNonNull(token, "token");
        try {
            JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
            return new DecodedAppToken(
                    claims.getAudience(),
                    orEmpty(claims.getSubject()),
                    orEmpty(claims.getStringClaim("email")),
                    Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant));
        } catch (ParseException e) {
            throw new IllegalArgumentException(
                    "the edge answered an access token that is not a signed JWT: " + e.getMessage());
        }
    }

    /** Returns the e-mail address of who signed in, else the subject. */
    public String identity() {
        return email.isEmpty() ? subject : email;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
