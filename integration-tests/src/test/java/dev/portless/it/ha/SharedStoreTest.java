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
import dev.portless.connector.edge.store.PinAttempt;
import dev.portless.connector.edge.store.PostgresEdgeStore;
import dev.portless.connector.edge.store.StoreUnavailableException;
import dev.portless.connector.edge.store.StoredKey;
import dev.portless.connector.edge.store.StoredPinChallenge;
import dev.portless.connector.edge.store.StoredSession;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.Postgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
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
 * store works again once the database is back. PIN challenges and rate windows are shared the same way: a PIN
 * started at one edge is answered at the other, and tries and mails at both add up to one limit.
 */
class SharedStoreTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final Identity ALICE =
            Identity.user("email", "alice", Optional.of("alice@example.com"), List.of("ops"));

    private static TwoStores stores;
    private static Postgres postgres;
    private static PostgresEdgeStore edgeA;
    private static PostgresEdgeStore edgeB;

    @BeforeAll
    static void start() {
        stores = TwoStores.start();
        postgres = stores.postgres;
        edgeA = stores.a;
        edgeB = stores.b;
    }

    @AfterAll
    static void stop() {
        if (stores != null) {
            stores.close();
        }
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
    void aPinStartedAtOneEdgeIsAnsweredAtTheOtherOnce() {
        pinsAreShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        pinsAreShared(memory, memory);
    }

    private static void pinsAreShared(EdgeStore a, EdgeStore b) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        StoredPinChallenge started = new StoredPinChallenge("alice@example.com", "/app", 5, now.plusSeconds(600));
        assertTrue(a.putPinChallenge(id, "123456", started));
        assertFalse(b.putPinChallenge(id, "000000", started), "a challenge id is taken once");
        PinAttempt signedIn = b.attemptPin(id, "123-456", now);
        assertEquals(PinAttempt.Outcome.SIGNED_IN, signedIn.outcome());
        assertEquals("alice@example.com", signedIn.challenge().orElseThrow().email());
        assertEquals("/app", signedIn.challenge().orElseThrow().returnTo());
        assertEquals(PinAttempt.Outcome.LOCKED, a.attemptPin(id, "123456", now).outcome(), "a PIN signs in once");
        assertEquals(
                PinAttempt.Outcome.UNKNOWN,
                a.attemptPin("never-started", "123456", now).outcome());
        String late = UUID.randomUUID().toString();
        a.putPinChallenge(late, "123456", started);
        assertEquals(
                PinAttempt.Outcome.EXPIRED,
                b.attemptPin(late, "123456", now.plusSeconds(601)).outcome());
    }

    @Test
    void wrongPinsAtBothEdgesAddUpToOneLimit() {
        pinTriesAddUp(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        pinTriesAddUp(memory, memory);
    }

    private static void pinTriesAddUp(EdgeStore a, EdgeStore b) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        a.putPinChallenge(id, "123456", new StoredPinChallenge("bob@example.com", "/", 5, now.plusSeconds(600)));
        List<PinAttempt.Outcome> outcomes = new ArrayList<>();
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PinAttempt wrong = (i % 2 == 0 ? a : b).attemptPin(id, "00000" + i, now);
            outcomes.add(wrong.outcome());
            left.add(wrong.challenge().orElseThrow().attemptsLeft());
        }
        assertEquals(
                List.of(
                        PinAttempt.Outcome.WRONG,
                        PinAttempt.Outcome.WRONG,
                        PinAttempt.Outcome.WRONG,
                        PinAttempt.Outcome.WRONG,
                        PinAttempt.Outcome.LOCKED),
                outcomes);
        assertEquals(List.of(4, 3, 2, 1, 0), left);
        assertEquals(
                PinAttempt.Outcome.LOCKED,
                b.attemptPin(id, "123456", now).outcome(),
                "the right PIN after five wrong ones at two edges must be refused");
    }

    @Test
    void concurrentWrongPinsFromBothEdgesAreEachCounted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            String id = UUID.randomUUID().toString();
            Instant now = Instant.now();
            edgeA.putPinChallenge(id, "123456", new StoredPinChallenge("c@example.com", "/", 5, now.plusSeconds(600)));
            List<Callable<PinAttempt.Outcome>> tries = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                EdgeStore edge = i % 2 == 0 ? edgeA : edgeB;
                tries.add(() -> edge.attemptPin(id, "999999", now).outcome());
            }
            int counted = 0;
            for (Future<PinAttempt.Outcome> f : pool.invokeAll(tries)) {
                counted += f.get() == PinAttempt.Outcome.WRONG ? 1 : 0;
            }
            // Five tries: four answered WRONG, the fifth LOCKED, and the other eleven LOCKED without a check.
            assertEquals(4, counted, "exactly four concurrent wrong PINs may be answered WRONG");
            assertEquals(
                    PinAttempt.Outcome.LOCKED,
                    edgeB.attemptPin(id, "123456", now).outcome());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRateWindowCountsUsesAtBothEdgesAndStartsAfreshWhenItEnds() {
        windowsAreShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        windowsAreShared(memory, memory);
    }

    private static void windowsAreShared(EdgeStore a, EdgeStore b) {
        String bucket = "pin-mail:" + UUID.randomUUID() + "@example.com";
        Duration window = Duration.ofMinutes(10);
        Instant now = Instant.now();
        assertTrue(a.takeFromWindow(bucket, 3, window, now));
        assertTrue(b.takeFromWindow(bucket, 3, window, now.plusSeconds(1)));
        assertTrue(a.takeFromWindow(bucket, 3, window, now.plusSeconds(2)));
        assertFalse(b.takeFromWindow(bucket, 3, window, now.plusSeconds(3)), "the fourth use in a window of 3");
        assertTrue(
                a.takeFromWindow("pin-mail:other-" + UUID.randomUUID(), 3, window, now), "buckets are counted apart");
        assertTrue(b.takeFromWindow(bucket, 3, window, now.plus(window)), "a new window starts when one ends");
        a.expire(now.plus(window).plusSeconds(1));
    }

    @Test
    void aUseTakenBackAtOneEdgeIsFreeAtTheOther() {
        usesAreTakenBack(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        usesAreTakenBack(memory, memory);
    }

    private static void usesAreTakenBack(EdgeStore a, EdgeStore b) {
        String bucket = "device-code-guesses:" + UUID.randomUUID();
        Duration window = Duration.ofMinutes(15);
        // PostgreSQL keeps microseconds: a whole millisecond compares the same on both sides of the window's end.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertEquals(1, a.countInWindow(bucket, window, now));
        assertEquals(2, b.countInWindow(bucket, window, now.plusSeconds(1)));
        b.uncountInWindow(bucket, now.plusSeconds(2));
        assertEquals(2, a.countInWindow(bucket, window, now.plusSeconds(3)), "the use taken back at B is free at A");
        a.uncountInWindow(bucket, now.plus(window));
        assertEquals(
                1,
                b.countInWindow(bucket, window, now.plus(window)),
                "nothing is taken back from a window that ended: the next use starts a new one");
        a.expire(now.plus(window).plus(window));
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
    void edgesThatFindTheNewestKeyDueAtOnceAddOneKeyBetweenThem() throws Exception {
        // Each round is a race of a few milliseconds: enough rounds that a store without its lock loses one.
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        for (int round = 0; round < 25; round++) {
            oneKeyIsAddedWhenAllAddAtOnce(edgeA, edgeB);
            oneKeyIsAddedWhenAllAddAtOnce(memory, memory);
        }
    }

    private static void oneKeyIsAddedWhenAllAddAtOnce(EdgeStore a, EdgeStore b) throws Exception {
        String kind = "test-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant due = now.minus(Duration.ofDays(1));
        assertTrue(a.addKeyUnlessOneSince(kind, new StoredKey("old", "value-old", due.minusSeconds(1)), due));
        int tries = 8;
        ExecutorService pool = Executors.newFixedThreadPool(tries);
        try {
            CyclicBarrier start = new java.util.concurrent.CyclicBarrier(tries);
            List<Future<Boolean>> added = new ArrayList<>();
            for (int i = 0; i < tries; i++) {
                EdgeStore store = i % 2 == 0 ? a : b;
                StoredKey key = new StoredKey("k" + i, "value-" + i, now.plusMillis(i));
                added.add(pool.submit(() -> {
                    start.await();
                    return store.addKeyUnlessOneSince(kind, key, due);
                }));
            }
            int count = 0;
            for (Future<Boolean> f : added) {
                count += f.get() ? 1 : 0;
            }
            assertEquals(1, count, "keys added while all found the newest due");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, b.keys(kind).size());
        assertFalse(b.addKeyUnlessOneSince(kind, new StoredKey("late", "value-late", now.plusSeconds(1)), due));
        assertTrue(a.addKeyUnlessOneSince(
                kind, new StoredKey("next", "value-next", now.plusSeconds(2)), now.plusSeconds(1)));
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
