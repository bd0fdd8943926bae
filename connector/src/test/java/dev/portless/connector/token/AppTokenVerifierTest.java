package dev.portless.connector.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppTokenVerifierTest {
    private static final String ISSUER = "https://edge.example.com";
    private static final String APP = "ssh.example.com";
    private static final ECKey KEY = TokenForge.newKey("k1");
    private static final JWKSet KEYS = new JWKSet(KEY.toPublicJWK());
    private final AppTokenVerifier verifier =
            new AppTokenVerifier(URI.create(ISSUER), Clock.systemUTC(), Duration.ofSeconds(30));

    private static TokenForge valid() {
        return TokenForge.valid(ISSUER, APP, "k1");
    }

    @Test
    void acceptsAValidToken() throws AppTokenException {
        VerifiedAppToken t = verifier.verify(valid().signedWith(KEY), APP, KEYS);
        assertEquals("alice@example.com", t.subject());
        assertEquals(Optional.of("alice@example.com"), t.email());
        assertEquals(List.of("admins"), t.groups());
        assertEquals(APP, t.audience());
    }

    @Test
    void refusesAlgNone() {
        assertRefused(TokenRejection.WRONG_ALGORITHM, valid().unsigned());
    }

    @Test
    void refusesHs256KeyedWithThePublicKey() {
        byte[] publicJson = KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        byte[] publicDer = encoded(KEY);
        assertRefused(TokenRejection.WRONG_ALGORITHM, valid().hmacWith(publicJson));
        assertRefused(TokenRejection.WRONG_ALGORITHM, valid().hmacWith(publicDer));
    }

    @Test
    void refusesAnotherAudience() {
        assertRefused(
                TokenRejection.WRONG_AUDIENCE,
                valid().claim("aud", "db.example.com").signedWith(KEY));
        assertRefused(
                TokenRejection.WRONG_AUDIENCE,
                valid().claim("aud", List.of(APP, "db.example.com")).signedWith(KEY));
        assertRefused(
                TokenRejection.WRONG_AUDIENCE,
                valid().claim("aud", List.of(APP)).signedWith(KEY));
        assertRefused(TokenRejection.WRONG_AUDIENCE, valid().claim("aud", null).signedWith(KEY));
    }

    @Test
    void refusesAnotherIssuer() {
        assertRefused(
                TokenRejection.WRONG_ISSUER,
                valid().claim("iss", "https://evil.example.com").signedWith(KEY));
        assertRefused(
                TokenRejection.WRONG_ISSUER, valid().claim("iss", ISSUER + "/").signedWith(KEY));
    }

    @Test
    void refusesTimesBeyondYear9999InsteadOfThrowing() {
        long now = Instant.now().getEpochSecond();
        assertRefused(
                TokenRejection.MISSING_CLAIM,
                valid().claim("iat", new BigInteger("1796378579637857963785796378575"))
                        .signedWith(KEY));
        assertRefused(
                TokenRejection.MISSING_CLAIM,
                valid().claim("exp", Long.MAX_VALUE).signedWith(KEY));
        assertRefused(TokenRejection.MISSING_CLAIM, valid().claim("nbf", 1e300).signedWith(KEY));
        assertRefused(TokenRejection.MISSING_CLAIM, valid().claim("nbf", -1).signedWith(KEY));
        assertRefused(TokenRejection.EXPIRED, valid().claim("exp", now - 3600).signedWith(KEY));
    }

    @Test
    void refusesExpiredBeyondSkewButToleratesSkew() throws AppTokenException {
        long now = Instant.now().getEpochSecond();
        assertRefused(
                TokenRejection.EXPIRED,
                valid().claim("exp", now - 31)
                        .claim("nbf", now - 100)
                        .claim("iat", now - 100)
                        .signedWith(KEY));
        verifier.verify(valid().claim("exp", now - 20).signedWith(KEY), APP, KEYS);
    }

    @Test
    void refusesTokensNotValidYet() {
        long later = Instant.now().getEpochSecond() + 120;
        assertRefused(TokenRejection.NOT_YET_VALID, valid().claim("nbf", later).signedWith(KEY));
    }

    @Test
    void refusesMissingClaims() {
        for (String claim : List.of("exp", "nbf", "iat", "sub", "jti")) {
            assertRefused(
                    TokenRejection.MISSING_CLAIM, valid().claim(claim, null).signedWith(KEY));
        }
        assertRefused(
                TokenRejection.MISSING_CLAIM, valid().claim("exp", "tomorrow").signedWith(KEY));
        assertRefused(
                TokenRejection.MISSING_CLAIM, valid().claim("groups", "admins").signedWith(KEY));
    }

    @Test
    void refusesOtherTokenTypesSuchAsOidcIdTokens() {
        assertRefused(TokenRejection.WRONG_TYPE, valid().header("typ", "JWT").signedWith(KEY));
        assertRefused(TokenRejection.WRONG_TYPE, valid().header("typ", null).signedWith(KEY));
        assertRefused(TokenRejection.WRONG_TYPE, valid().header("typ", "at+jwt").signedWith(KEY));
    }

    @Test
    void refusesATamperedSignatureOrPayload() {
        String token = valid().signedWith(KEY);
        assertRefused(TokenRejection.BAD_SIGNATURE, TokenForge.tampered(token));
        String[] parts = token.split("\\.");
        String otherPayload =
                valid().claim("sub", "mallory@example.com").signedWith(KEY).split("\\.")[1];
        assertRefused(TokenRejection.BAD_SIGNATURE, parts[0] + "." + otherPayload + "." + parts[2]);
    }

    @Test
    void acceptsOnlyTheCanonicalUnpaddedSpelling() throws AppTokenException {
        final String token = valid().signedWith(KEY);
        final String[] parts = token.split("\\.");
        final String signature = parts[2];
        assertEquals(2, signature.length() % 4, "an ES256 signature leaves 4 unused bits in its last character");
        final char last = signature.charAt(signature.length() - 1);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // Same bytes, other spelling: only the unused low bits of the last character differ.
        final String strayBits =
                signature.substring(0, signature.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 0x01);
        verifier.verify(token, APP, KEYS);
        assertRefused(TokenRejection.MALFORMED, parts[0] + "." + parts[1] + "." + strayBits);
        assertRefused(TokenRejection.MALFORMED, token + "==");
        assertRefused(TokenRejection.MALFORMED, parts[0] + "=." + parts[1] + "." + signature);
        assertRefused(TokenRejection.MALFORMED, parts[0] + "." + parts[1] + "." + "+" + signature.substring(1));
    }

    @Test
    void refusesUnknownKeys() {
        ECKey attacker = TokenForge.newKey("attacker");
        assertRefused(
                TokenRejection.UNKNOWN_KEY,
                TokenForge.valid(ISSUER, APP, "attacker").signedWith(attacker));
        // The attacker's own key under the real kid does not verify either.
        assertRefused(TokenRejection.BAD_SIGNATURE, valid().signedWith(TokenForge.newKey("k1")));
        assertRefused(TokenRejection.UNKNOWN_KEY, valid().header("kid", null).signedWith(KEY));
    }

    @Test
    void refusesGarbage() {
        assertRefused(TokenRejection.MALFORMED, "not-a-token");
        assertRefused(TokenRejection.MALFORMED, "a.b");
        assertRefused(TokenRejection.MALFORMED, "!!!.e30.sig");
        assertRefused(TokenRejection.MALFORMED, "x".repeat(9000) + ".e30.sig");
    }

    private void assertRefused(TokenRejection expected, String token) {
        AppTokenException e = assertThrows(AppTokenException.class, () -> verifier.verify(token, APP, KEYS));
        assertEquals(expected, e.rejection(), e.getMessage());
    }

    private static byte[] encoded(ECKey key) {
        try {
            return key.toECPublicKey().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
