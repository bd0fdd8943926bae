package dev.portless.bridge.auth;

import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Which key types and sizes the bridge accepts, for CA keys, certified user keys and the
 * signatures on them: Ed25519, ECDSA on the NIST curves, and RSA of at least 2048 bits signed with
 * SHA-2 only (no DSA, no {@code ssh-rsa} SHA-1 signatures).
 */
final class KeyRules {

    static final int MIN_RSA_BITS = 2048;

    /** Signature algorithms a CA may have signed a certificate with (OpenSSH's CASignatureAlgorithms, minus SHA-1). */
    static final Set<String> CA_SIGNATURE_ALGORITHMS = Set.of(
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "rsa-sha2-512",
            "rsa-sha2-256");

    /** Algorithms a client may sign its user-auth request with when it presents a certificate. */
    static final Set<String> CERTIFICATE_AUTH_ALGORITHMS = Set.of(
            "ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com",
            "rsa-sha2-512-cert-v01@openssh.com",
            "rsa-sha2-256-cert-v01@openssh.com");

    private static final Set<String> KEY_TYPES =
            Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");

    private KeyRules() {}

    /** Returns why {@code key} is too weak or of a refused type, or {@code null} when it is acceptable. */
    static String weakness(PublicKey key) {
        final String type = KeyUtils.getKeyType(key);
        if (type == null || !KEY_TYPES.contains(type)) {
            return "key type " + (type == null ? key.getAlgorithm() : type)
                    + " is not accepted (expected: ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa of "
                    + MIN_RSA_BITS + "+ bits)";
        }
        if (key instanceof RSAKey && ((RSAKey) key).getModulus().bitLength() < MIN_RSA_BITS) {
            return "RSA key of " + ((RSAKey) key).getModulus().bitLength() + " bits is too short (expected: at least "
                    + MIN_RSA_BITS + ')';
        }
        return null;
    }
}
