package dev.portless.connector.token;

/**
 * The one spelling of a token part the edge accepts: unpadded base64url (RFC 7515 §2) whose unused bits in
 * the last character are zero, so that no two different strings carry the same token.
 */
final class CanonicalBase64Url {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private CanonicalBase64Url() {}

    /**
     * Returns whether {@code part} is canonical: only base64url characters (no {@code =}), a length that
     * encodes whole bytes, and a last character whose bits beyond the last byte are zero. A decoder ignores
     * those bits, so without this check one signature could be spelled several ways.
     */
    static boolean isCanonical(String part) {
        // An empty part is zero bytes spelled the only way they can be (an unsigned token's signature).
        if (part.length() % 4 == 1) {
            return false;
        }
        int last = -1;
        for (int i = 0; i < part.length(); i++) {
            last = ALPHABET.indexOf(part.charAt(i));
            if (last < 0) {
                return false;
            }
        }
        // Two trailing characters carry one byte (4 unused bits); three carry two bytes (2 unused bits).
        final int unusedMask = switch (part.length() % 4) {
            case 2 -> 0x0f;
            case 3 -> 0x03;
            default -> 0;
        };
        return (last & unusedMask) == 0;
    }
}
