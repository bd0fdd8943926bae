package dev.portless.bridge.auth;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;

/**
 * One CA key the bridge trusts to sign user certificates.
 *
 * @param key the CA's public key
 * @param fingerprint its {@code SHA256:...} fingerprint, as {@code ssh-keygen -l} prints it
 * @param source the file and line it came from, for messages
 */
public record TrustedCa(PublicKey key, String fingerprint, String source) {

    public TrustedCa {
        requireNonNull(key, "key");
        requireNonNull(fingerprint, "fingerprint");
        requireNonNull(source, "source");
    }
}
