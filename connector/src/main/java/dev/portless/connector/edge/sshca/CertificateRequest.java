package dev.portless.connector.edge.sshca;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a certificate is asked for: whose key, for which identity and principals, for how
 * long, with which permissions.
 *
 * @param userKey        the user's public key (Ed25519, ECDSA, or RSA of 2048 bits or more)
 * @param identity       who signed in (the app token's email or service token name); becomes the key id
 * @param principals     the login names the certificate is valid for; never empty
 * @param lifetime       how long the certificate lives from now
 * @param notAfter       a hard end, such as the app token's expiry; the certificate never outlives it
 * @param permissions    the extensions the policy grants
 */
public record CertificateRequest(
        PublicKey userKey,
        String identity,
        List<String> principals,
        Duration lifetime,
        Instant notAfter,
        Set<SshPermission> permissions) {
    /** Returns a request with immutable collections. */
    public CertificateRequest {
        requireNonNull(userKey, "userKey");
        requireNonNull(identity, "identity");
        principals = List.copyOf(requireNonNull(principals, "principals"));
        requireNonNull(lifetime, "lifetime");
        requireNonNull(notAfter, "notAfter");
        permissions = Set.copyOf(requireNonNull(permissions, "permissions"));
    }
}
