package dev.portless.connector.token;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The claims of an app token that passed every check.
 *
 * @param subject   {@code sub}
 * @param email     {@code email}, absent for service tokens
 * @param groups    {@code groups}
 * @param audience  {@code aud}, the app hostname
 * @param issuedAt  {@code iat}, which tells a token from before an administrator's sign-out from a newer one
 * @param expiresAt {@code exp}
 * @param tokenId   {@code jti}
 * @param serviceToken {@code service_token}: the service token's name, when the edge minted this for one
 */
public record VerifiedAppToken(
        String subject,
        Optional<String> email,
        List<String> groups,
        String audience,
        Instant issuedAt,
        Instant expiresAt,
        String tokenId,
        Optional<String> serviceToken) {
    /** Checks that no component is null and copies the groups. */
    public VerifiedAppToken {
        requireNonNull(subject, "subject");
        requireNonNull(email, "email");
        groups = List.copyOf(requireNonNull(groups, "groups"));
        requireNonNull(audience, "audience");
        requireNonNull(issuedAt, "issuedAt");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(tokenId, "tokenId");
        requireNonNull(serviceToken, "serviceToken");
    }

    /** Returns the claims of a token minted for a person (no service token). */
    public VerifiedAppToken(
            String subject,
            Optional<String> email,
            List<String> groups,
            String audience,
            Instant issuedAt,
            Instant expiresAt,
            String tokenId) {
        this(subject, email, groups, audience, issuedAt, expiresAt, tokenId, Optional.empty());
    }

    /** Returns the e-mail address, else the subject: who this is in logs. */
    public String displayName() {
        return email.orElse(subject);
    }
}
