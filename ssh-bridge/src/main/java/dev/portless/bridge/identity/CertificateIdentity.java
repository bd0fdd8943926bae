package dev.portless.bridge.identity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Who an accepted certificate says the user is, as the audit log records it.
 *
 * @param keyId the certificate's key id ({@code ssh-keygen -I}), usually the user's email
 * @param principal the login name, one of the certificate's principals; the policy is evaluated for it
 * @param serial the certificate serial, unsigned, in decimal
 * @param caFingerprint the {@code SHA256:...} fingerprint of the CA that signed it
 * @param keyFingerprint the {@code SHA256:...} fingerprint of the certified user key
 * @param validBefore when the certificate expires, or {@code null} when it never does
 * @param permitsPortForwarding whether it carries the {@code permit-port-forwarding} extension
 */
public record CertificateIdentity(
        String keyId,
        String principal,
        String serial,
        String caFingerprint,
        String keyFingerprint,
        Instant validBefore,
        boolean permitsPortForwarding) {

    public CertificateIdentity {
        requireNonNull(keyId, "keyId");
        requireNonNull(principal, "principal");
        requireNonNull(serial, "serial");
        requireNonNull(caFingerprint, "caFingerprint");
        requireNonNull(keyFingerprint, "keyFingerprint");
    }
}
