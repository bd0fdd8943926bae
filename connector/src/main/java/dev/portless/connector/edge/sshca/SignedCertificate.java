package dev.portless.connector.edge.sshca;

import java.time.Instant;
import java.util.List;

/**
 * An issued certificate and the facts worth logging about it.
 *
 * @param openSshLine the certificate in authorized_keys form ({@code ssh-ed25519-cert-v01@openssh.com AAAA… keyid}),
 *                    ready to save as {@code id_ed25519-cert.pub}
 * @param serial      the serial number
 * @param keyId       the key id (names the identity)
 * @param principals  the login names
 * @param validAfter  start of validity (backdated for clock skew)
 * @param validBefore end of validity
 */
public record SignedCertificate(
        String openSshLine,
        long serial,
        String keyId,
        List<String> principals,
        Instant validAfter,
        Instant validBefore) {}
