package dev.portless.connector.edge.identity.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.token.AppTokenVerifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
    private static final Duration ROTATION = Duration.ofDays(30);
    private static final Duration GRACE = Duration.ofHours(25);

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));

    @Test
    void makesAFirstKeyInAnOwnerOnlyDirectory() throws Exception {
        SigningKeys keys = SigningKeys.open(state.resolve("s"), ROTATION, GRACE, clock);
        assertEquals(1, keys.publicKeys().size());
        assertFalse(keys.publicKeys().getKeys().get(0).isPrivate());
        assertTrue(keys.signingKey().isPrivate());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("s"))));
        Path dir = state.resolve("s/signing-keys");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(all.get(0))));
            assertTrue(all.get(0)
                    .getFileName()
                    .toString()
                    .startsWith(keys.signingKey().getKeyID()));
        }
    }

    @Test
    void keepsItsKeyAcrossRestarts() {
        String kid =
                SigningKeys.open(state, ROTATION, GRACE, clock).signingKey().getKeyID();
        clock.advance(Duration.ofDays(1));
        assertEquals(
                kid,
                SigningKeys.open(state, ROTATION, GRACE, clock).signingKey().getKeyID());
    }

    @Test
    void rotatesThenRetiresTheOldKeyAfterTheGracePeriod() {
        SigningKeys keys = SigningKeys.open(state, ROTATION, GRACE, clock);
        String first = keys.signingKey().getKeyID();
        clock.advance(ROTATION.plusMinutes(1));
        keys.rotateIfDue();
        String second = keys.signingKey().getKeyID();
        assertNotEquals(first, second);
        assertNotNull(keys.publicKeys().getKeyByKeyId(first), "the retired key stays published");
        assertNotNull(keys.publicKeys().getKeyByKeyId(second));
        clock.advance(GRACE.minusMinutes(2));
        keys.rotateIfDue();
        assertNotNull(keys.publicKeys().getKeyByKeyId(first));
        clock.advance(Duration.ofMinutes(3));
        keys.rotateIfDue();
        assertNull(keys.publicKeys().getKeyByKeyId(first), "gone after the grace period");
        assertFalse(Files.exists(state.resolve("signing-keys/" + first + ".jwk.json")));
        assertEquals(second, keys.signingKey().getKeyID());
    }

    @Test
    void issuesTokensTheVerifierAccepts() throws Exception {
        SigningKeys keys = SigningKeys.open(state, ROTATION, GRACE, clock);
        AppTokenIssuer issuer = new AppTokenIssuer(URI.create("https://edge.example.com"), keys, clock);
        AppTokenIssuer.IssuedToken t = issuer.issue(
                Identity.user("kc", "u-1", Optional.of("a@example.com"), List.of("ops")),
                "ssh.example.com",
                Duration.ofHours(8));
        SignedJWT jwt = SignedJWT.parse(t.token());
        assertEquals("portless-app+jwt", jwt.getHeader().getType().getType());
        assertEquals(keys.signingKey().getKeyID(), jwt.getHeader().getKeyID());
        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        assertEquals("ssh.example.com", claims.get("aud"), "aud is one string");
        assertEquals(clock.instant().plus(Duration.ofHours(8)), t.expiresAt());
        assertEquals(8 * 3600, t.expiresInSeconds(clock.instant()));
        new AppTokenVerifier(URI.create("https://edge.example.com"), clock, Duration.ofSeconds(30))
                .verify(t.token(), "ssh.example.com", keys.publicKeys());
        JWK published = keys.publicKeys().getKeys().get(0);
        assertFalse(published.toJSONString().contains("\"d\""), "no private part in the JWKS");
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
