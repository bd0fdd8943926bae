package dev.portless.connector.secret;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 digests of shared secrets (tunnel secrets, service-token secrets) and compares a presented
 * secret with a stored digest, so configuration files hold digests and never the secrets themselves.
 *
 * <p>The secrets hashed here are long random strings, not passwords, so a single unsalted SHA-256 is enough:
 * there is nothing to guess.
 */
public final class SecretHash {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    // One digest per thread: MessageDigest.getInstance looks the provider up each time, and a check may run
    // once per request on an event loop.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(SecretHash::newSha256);

    private SecretHash() {}

    /** Returns the lower-case hex SHA-256 of the UTF-8 bytes of {@code secret}. */
    public static String sha256Hex(String secret) {
        return HEX.formatHex(sha256(requireNonNull(secret, "secret")));
    }

    /** Returns whether {@code text} has the shape of a hex SHA-256 digest: 64 hex digits. */
    public static boolean isSha256Hex(String text) {
        return SHA256_HEX.matcher(requireNonNull(text, "text")).matches();
    }

    /**
     * Returns whether the SHA-256 of {@code presentedSecret} equals {@code expectedSha256Hex}, in time that does
     * not depend on where the digests differ.
     *
     * @throws IllegalArgumentException when {@code expectedSha256Hex} is not 64 hex digits
     */
    public static boolean matches(String presentedSecret, String expectedSha256Hex) {
        return matches(presentedSecret, digestOf(expectedSha256Hex));
    }

    /**
     * Returns whether the SHA-256 of {@code presentedSecret} equals {@code expectedDigest} (from
     * {@link #digestOf}), in time that does not depend on where the digests differ.
     */
    public static boolean matches(String presentedSecret, byte[] expectedDigest) {
        requireNonNull(presentedSecret, "presentedSecret");
        requireNonNull(expectedDigest, "expectedDigest");
        // Comparing digests, not secrets, keeps the comparison length fixed whatever the client sends.
        return MessageDigest.isEqual(sha256(presentedSecret), expectedDigest);
    }

    /**
     * Returns the 32 bytes that {@code sha256Hex} spells, for {@link #matches(String, byte[])}: checked and
     * decoded once, where the digest is loaded, rather than at every check.
     *
     * @throws IllegalArgumentException when {@code sha256Hex} is not 64 hex digits
     */
    public static byte[] digestOf(String sha256Hex) {
        requireNonNull(sha256Hex, "sha256Hex");
        if (!isSha256Hex(sha256Hex)) {
            throw new IllegalArgumentException("expectedSha256Hex: not a SHA-256 digest (expected: 64 hex digits)");
        }
        return HEX.parseHex(sha256Hex);
    }

    /** Returns {@code bytes} bytes from {@link SecureRandom} as lower-case hex. */
    public static String randomSecret(int bytes) {
        if (bytes < 16 || bytes > 1024) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: 16..1024)");
        }
        final byte[] buf = new byte[bytes];
        RANDOM.nextBytes(buf);
        return HEX.formatHex(buf);
    }

    private static byte[] sha256(String secret) {
        return SHA256.get().digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
