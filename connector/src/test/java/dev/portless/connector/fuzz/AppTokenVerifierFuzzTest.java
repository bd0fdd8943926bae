package dev.portless.connector.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.AppTokenVerifier;
import dev.portless.connector.token.TokenForge;
import dev.portless.connector.token.VerifiedAppToken;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mutated app tokens: refused with {@link AppTokenException} and never accepted unless they mean the original. */
class AppTokenVerifierFuzzTest {

    private static final String ISSUER = "https://edge.example.com";
    private static final String APP = "ssh.example.com";
    private static final ECKey KEY = TokenForge.newKey("k1");
    private static final JWKSet KEYS = new JWKSet(KEY.toPublicJWK());

    private final AppTokenVerifier verifier =
            new AppTokenVerifier(URI.create(ISSUER), Clock.systemUTC(), Duration.ofSeconds(30));

    @Test
    void mutatedTokensAreRefusedWithItsException() throws AppTokenException {
        final String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(KEY);
        verifier.verify(token, APP, KEYS);
        final Mutations mutations = Mutations.announce("AppTokenVerifierFuzzTest.raw");
        final int iterations = Mutations.iterations(2_000);
        for (int i = 0; i < iterations; i++) {
            final String mutated = mutations.mutate(token);
            final String replay = "seed " + mutations.seed() + ", iteration " + i + ", token " + mutated;
            final VerifiedAppToken accepted = verifyOrNull(mutated, replay);
            if (accepted != null) {
                // Base64url may ignore the low bits of a final character: only the same decoded bytes may pass.
                assertSameMeaning(token, mutated, replay);
            }
        }
    }

    @Test
    void signedButMutatedHeadersAndClaimsFailOnlyWithItsException() {
        final String token = TokenForge.valid(ISSUER, APP, "k1").signedWith(KEY);
        final String[] parts = token.split("\\.");
        final byte[] header = Base64URL.from(parts[0]).decode();
        final byte[] claims = Base64URL.from(parts[1]).decode();
        final Mutations mutations = Mutations.announce("AppTokenVerifierFuzzTest.signed");
        final int iterations = Mutations.iterations(800);
        for (int i = 0; i < iterations; i++) {
            final boolean inHeader = mutations.nextInt(2) == 0;
            final byte[] h = inHeader ? mutations.mutate(header) : header;
            final byte[] c = inHeader ? claims : mutations.mutate(claims);
            final String replay = "seed " + mutations.seed() + ", iteration " + i + ", header " + new String(h, UTF_8)
                    + ", claims " + new String(c, UTF_8);
            final VerifiedAppToken accepted = verifyOrNull(TokenForge.signedRaw(h, c, KEY), replay);
            if (accepted != null) {
                assertEquals(APP, accepted.audience(), () -> "accepted another audience: " + replay);
            }
        }
    }

    private VerifiedAppToken verifyOrNull(String token, String replay) {
        try {
            AppTokenVerifier.keyId(token);
        } catch (AppTokenException e) {
            // The key id is read before the keys are fetched; refusing here is the expected outcome.
        } catch (RuntimeException e) {
            fail("unexpected " + e + " reading the key id of " + replay, e);
        }
        try {
            return verifier.verify(token, APP, KEYS);
        } catch (AppTokenException e) {
            return null;
        } catch (RuntimeException e) {
            return fail("unexpected " + e + " for " + replay, e);
        }
    }

    private static void assertSameMeaning(String original, String mutated, String replay) {
        final String[] a = original.split("\\.", -1);
        final String[] b = mutated.split("\\.", -1);
        assertEquals(a.length, b.length, () -> "accepted a mutated token: " + replay);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(
                    Base64URL.from(a[i]).decode(),
                    Base64URL.from(b[i]).decode(),
                    "accepted a mutated token: " + replay);
        }
    }
}
