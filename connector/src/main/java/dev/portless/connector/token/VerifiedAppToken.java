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
 * @param expiresAt {@code exp}
 * @param tokenId   {@code jti}
 */
public record VerifiedAppToken(
        String subject,
        Optional<String> email,
        List<String> groups,
        String audience,
        Instant expiresAt,
        String tokenId) {
    /** Checks that no component is null and copies the groups. */
    public VerifiedAppToken {
        requireNonNull(subject, "subject");
        requireNonNull(email, "email");
        groups = List.copyOf(requireNonNull(groups, "groups"));
        requireNonNull(audience, "audience");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(tokenId, "tokenId");
    }

    /** Returns the e-mail address, else the subject: who this is in logs. */
    public String displayName() {
        return email.orElse(subject);
    }
}
