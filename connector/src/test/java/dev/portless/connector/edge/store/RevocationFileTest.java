package dev.portless.connector.edge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single edge's revoked tokens and sign-outs outlive a restart, in an owner-only file of its state directory. */
class RevocationFileTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aRestartedStoreKnowsTheRevokedTokensAndSignOuts(@TempDir Path stateDir) throws Exception {
        IdentitySignOut alice = new IdentitySignOut("user:alice@example.com", "", NOW, NOW.plusSeconds(3600));
        try (InMemoryEdgeStore before = InMemoryEdgeStore.keptIn(stateDir, CLOCK)) {
            before.tokenIssued("session-1", "jti-1", NOW.plusSeconds(600));
            before.tokenIssued("session-2", "jti-2", NOW.plusSeconds(600));
            before.revokeSession("session-1");
            before.signOut(alice);
        }

        Path file = stateDir.resolve(RevocationFile.NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (InMemoryEdgeStore after = InMemoryEdgeStore.keptIn(stateDir, CLOCK)) {
            assertEquals(Set.of("jti-1"), after.revokedTokens());
            assertEquals(List.of(alice), after.signOuts());
        }
    }

    @Test
    void whatExpiredIsForgottenInTheFileToo(@TempDir Path stateDir) {
        try (InMemoryEdgeStore store = InMemoryEdgeStore.keptIn(stateDir, CLOCK)) {
            store.tokenIssued("session-1", "jti-1", NOW.plusSeconds(60));
            store.revokeSession("session-1");
            store.signOut(new IdentitySignOut("service-token:ci", "db.example.com", NOW, NOW.plusSeconds(60)));

            store.expire(NOW.plusSeconds(300));
        }

        try (InMemoryEdgeStore after = InMemoryEdgeStore.keptIn(stateDir, CLOCK)) {
            assertEquals(Set.of(), after.revokedTokens());
            assertEquals(List.of(), after.signOuts());
        }
    }

    @Test
    void aFileThatIsNotTheEdgesStopsTheStartWithItsName(@TempDir Path stateDir) throws Exception {
        Path file = stateDir.resolve(RevocationFile.NAME);
        Files.write(file, "{\"version\": 7}".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> InMemoryEdgeStore.keptIn(stateDir, CLOCK));
        assertTrue(e.getMessage().startsWith(file + ": not the edge's revocation list"), e.getMessage());
        assertTrue(e.getMessage().contains("remove it"), e.getMessage());
    }

    @Test
    void aFileOthersMayReadIsRefused(@TempDir Path stateDir) throws Exception {
        try (InMemoryEdgeStore store = InMemoryEdgeStore.keptIn(stateDir, CLOCK)) {
            store.signOut(new IdentitySignOut("user:bob", "", NOW, NOW.plusSeconds(60)));
        }
        Path file = stateDir.resolve(RevocationFile.NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> InMemoryEdgeStore.keptIn(stateDir, CLOCK));
        assertTrue(e.getMessage().startsWith(file + ": cannot read"), e.getMessage());
    }
}
