package dev.portless.connector.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecretHashTest {

    @Test
    void sha256HexMatchesTheKnownVector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SecretHash.sha256Hex("abc"));
    }

    @Test
    void matchesComparesTheDigest() {
        final String digest = SecretHash.sha256Hex("s3cret");
        assertTrue(SecretHash.matches("s3cret", digest));
        assertTrue(SecretHash.matches("s3cret", digest.toUpperCase()));
        assertFalse(SecretHash.matches("s3creT", digest));
        assertFalse(SecretHash.matches("", digest));
    }

    @Test
    void matchesRefusesAMalformedDigest() {
        assertThrows(IllegalArgumentException.class, () -> SecretHash.matches("x", "abc"));
        assertThrows(IllegalArgumentException.class, () -> SecretHash.matches("x", "g".repeat(64)));
    }

    @Test
    void aDigestDecodedOnceMatchesLikeItsHex() {
        final byte[] digest = SecretHash.digestOf(SecretHash.sha256Hex("s3cret").toUpperCase());
        assertEquals(32, digest.length);
        assertTrue(SecretHash.matches("s3cret", digest));
        assertFalse(SecretHash.matches("s3creT", digest));
        // The same thread's digest again: no state is left over from the check before.
        assertTrue(SecretHash.matches("s3cret", digest));
        assertThrows(IllegalArgumentException.class, () -> SecretHash.digestOf("abc"));
    }

    @Test
    void randomSecretsAreHexOfTheAskedLength() {
        final String a = SecretHash.randomSecret(32);
        assertTrue(a.matches("[0-9a-f]{64}"), a);
        assertNotEquals(a, SecretHash.randomSecret(32));
        assertThrows(IllegalArgumentException.class, () -> SecretHash.randomSecret(8));
    }

    @Test
    void isSha256HexChecksShape() {
        assertTrue(SecretHash.isSha256Hex("A".repeat(64)));
        assertFalse(SecretHash.isSha256Hex("a".repeat(63)));
    }
}
