package dev.portless.connector.edge.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digests under which the store keeps secrets that name a row or must only be compared. */
final class SecretDigest {
    private SecretDigest() {}

    /** Returns the hex SHA-256 of {@code secret}. */
    static String sha256(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Returns the digest a PIN is kept as: bound to its challenge's id, which the store keeps only as a digest,
     * because a bare six-digit PIN's hash is undone by trying all million PINs.
     */
    static String pin(String challengeId, String pin) {
        return sha256(challengeId + ':' + pin.replaceAll("[\\s-]", ""));
    }
}
