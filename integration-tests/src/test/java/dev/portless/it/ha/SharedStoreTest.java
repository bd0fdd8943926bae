package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.config.StoreSettings;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.CodeKind;
import dev.portless.connector.edge.store.CodeRedemption.Outcome;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.edge.store.PostgresEdgeStore;
import dev.portless.connector.edge.store.StoreUnavailableException;
import dev.portless.connector.edge.store.StoredKey;
import dev.portless.connector.edge.store.StoredSession;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.Postgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edges' store as two edges see it: two PostgreSQL stores on one real database (each its own pool, as two
 * edge processes have), and the in-memory store with itself, behave alike; single-use codes stay single-use
 * under concurrent redemption from both; a stopped database fails each call within the timeouts and the same
 * store works again once the database is back.
 */
class SharedStoreTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final Identity ALICE =
            Identity.user("email", "alice", Optional.of("alice@example.com"), List.of("ops"));

    private static Postgres postgres;
    private static PostgresEdgeStore edgeA;
    private static PostgresEdgeStore edgeB;

    @BeforeAll
    static void start() {
        postgres = Postgres.start();
        edgeA = PostgresEdgeStore.open(settings());
        // The second edge finds the schema in place: its migration is a no-op.
        edgeB = PostgresEdgeStore.open(settings());
    }

    @AfterAll
    static void stop() {
        if (edgeA != null) {
            edgeA.close();
        }
        if (edgeB != null) {
            edgeB.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static StoreSettings settings() {
        return new StoreSettings(
                postgres.jdbcUrl(),
                "postgres",
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                4);
    }

    @Test
    void aSessionStoredAtOneEdgeIsFoundAtTheOtherUntilItEnds() {
        sessionsAreShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        sessionsAreShared(memory, memory);
    }

    private static void sessionsAreShared(EdgeStore a, EdgeStore b) {
        String id = UUID.randomUUID().toString();
        a.putSession(new StoredSession(id, "csrf-1", ALICE, Instant.now().plusSeconds(600)));
        StoredSession found = b.findSession(id).orElseThrow();
        assertEquals(ALICE, found.identity());
        assertEquals("csrf-1", found.csrf());
        b.endSession(id);
        assertTrue(a.findSession(id).isEmpty(), "a session ended at one edge must be gone at the other");
        String old = UUID.randomUUID().toString();
        a.putSession(new StoredSession(old, "csrf-2", ALICE, Instant.now().minusSeconds(1)));
        assertTrue(b.findSession(old).isEmpty(), "an expired session must not be found");
    }

    @Test
    void aCodeIsSpentOnceAcrossEdgesAndItsReplayIsNamed() {
        codesAreSingleUse(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        codesAreSingleUse(memory, memory);
    }

    private static void codesAreSingleUse(EdgeStore a, EdgeStore b) {
        String code = UUID.randomUUID().toString();
        assertTrue(a.putCode(
                CodeKind.AUTHORIZATION, code, "{\"app\":\"x\"}", Instant.now().plusSeconds(60)));
        assertFalse(b.putCode(CodeKind.AUTHORIZATION, code, "{}", Instant.now().plusSeconds(60)));
        assertEquals(Outcome.UNKNOWN, b.redeemCode(CodeKind.APP_SIGN_IN, code).outcome(), "kinds are namespaces");
        var first = b.redeemCode(CodeKind.AUTHORIZATION, code);
        assertEquals(Outcome.FIRST, first.outcome());
        assertEquals("{\"app\":\"x\"}", first.payload().orElseThrow());
        var second = a.redeemCode(CodeKind.AUTHORIZATION, code);
        assertEquals(Outcome.REPLAY, second.outcome());
        assertEquals(
                Outcome.UNKNOWN,
                a.redeemCode(CodeKind.AUTHORIZATION, "never-issued").outcome());
    }

    @Test
    void concurrentRedemptionsFromBothEdgesSpendACodeExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String code = UUID.randomUUID().toString();
                edgeA.putCode(CodeKind.AUTHORIZATION, code, "{}", Instant.now().plusSeconds(60));
                List<Callable<Outcome>> tries = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    EdgeStore edge = i % 2 == 0 ? edgeA : edgeB;
                    tries.add(
                            () -> edge.redeemCode(CodeKind.AUTHORIZATION, code).outcome());
                }
                int firsts = 0;
                for (Future<Outcome> f : pool.invokeAll(tries)) {
                    firsts += f.get() == Outcome.FIRST ? 1 : 0;
                }
                assertEquals(1, firsts, "round " + round + ": exactly one redemption may spend the code");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revokingASessionsTokensAtOneEdgeIsSeenAtTheOther() {
        revocationsAreShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        revocationsAreShared(memory, memory);
    }

    private static void revocationsAreShared(EdgeStore a, EdgeStore b) {
        String session = UUID.randomUUID().toString();
        String jti = UUID.randomUUID().toString();
        a.tokenIssued(session, jti, Instant.now().plusSeconds(600));
        assertFalse(b.revokedTokens().contains(jti));
        assertEquals(Set.of(jti), b.revokeSession(session));
        assertTrue(a.revokedTokens().contains(jti));
        assertEquals(Set.of(), a.revokeSession(session), "a session's tokens are revoked once");
    }

    @Test
    void theFirstKeyStoredWinsAndBothEdgesReadIt() {
        String kind = "test-" + UUID.randomUUID();
        Instant now = Instant.now();
        assertTrue(edgeA.addKey(kind, new StoredKey("k1", "value-a", now)));
        assertFalse(edgeB.addKey(kind, new StoredKey("k1", "value-b", now)));
        assertTrue(edgeB.addKey(kind, new StoredKey("k2", "value-c", now.plusSeconds(1))));
        assertEquals(
                List.of("value-a", "value-c"),
                edgeA.keys(kind).stream().map(StoredKey::value).toList());
        edgeA.deleteKey(kind, "k1");
        assertEquals(List.of("k2"), edgeB.keys(kind).stream().map(StoredKey::id).toList());
    }

    @Test
    void anEdgeWhoseDatabaseDoesNotAnswerRefusesToStartWithASentence() {
        StoreSettings nowhere = new StoreSettings(
                "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/postgres",
                "postgres",
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PostgresEdgeStore.open(nowhere));
        assertTrue(e.getMessage().startsWith("cannot open the edge's store at " + nowhere.jdbcUrl()), e.getMessage());
        assertTrue(e.getMessage().contains("check store: in edge.yml"), e.getMessage());
    }

    @Test
    void aStoppedDatabaseFailsEachCallWithASentenceAndTheSameStoreWorksWhenItIsBack() {
        String id = UUID.randomUUID().toString();
        edgeA.putSession(new StoredSession(id, "c", ALICE, Instant.now().plusSeconds(600)));
        postgres.stopServer();
        try {
            long started = System.nanoTime();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> edgeB.findSession(id));
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(e.getMessage().startsWith("The edge's store is unreachable"), e.getMessage());
            assertTrue(millis < 8_000, "the failure took " + millis + " ms (expected: within the timeouts)");
        } finally {
            postgres.startServer();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Optional<StoredSession> found = Optional.empty();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                found = edgeB.findSession(id);
            } catch (StoreUnavailableException e) {
                sleep(200);
            }
        }
        assertTrue(found.isPresent(), "the store must work again without being reopened");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
