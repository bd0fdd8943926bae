package dev.portless.access.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * One sign-in's secrets for RFC 7636 PKCE (method S256) and the {@code state} that ties
 * the browser's answer to this process.
 *
 * @param verifier  the code verifier, sent only to the token endpoint; never logged
 * @param challenge BASE64URL(SHA-256(verifier)), sent in the authorization URL
 * @param state     a random value the redirect must echo
 */
record PkceChallenge(String verifier, String challenge, String state) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static PkceChallenge create() {
        String verifier = random(32);
        return new PkceChallenge(verifier, s256(verifier), random(16));
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "PkceChallenge[challenge=" + challenge + "]";
    }
}
