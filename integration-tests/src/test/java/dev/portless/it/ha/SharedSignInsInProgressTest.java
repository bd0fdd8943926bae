package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.DevicePoll;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.edge.store.PinAttempt;
import dev.portless.connector.edge.store.StoredAnonymousSession;
import dev.portless.connector.edge.store.StoredDeviceGrant;
import dev.portless.connector.edge.store.StoredDeviceGrant.Status;
import dev.portless.connector.edge.store.StoredPinChallenge;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-ins in progress as two edges see them, on a real PostgreSQL database (two stores, two pools) and in
 * memory: anonymous sessions, device authorizations (approved at one edge, redeemed at the other exactly once,
 * their polling interval kept for both) and the tries a PIN challenge has left.
 */
class SharedSignInsInProgressTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final Identity ALICE =
            Identity.user("email", "alice", Optional.of("alice@example.com"), List.of("ops"));

    private static TwoStores stores;
    private static EdgeStore edgeA;
    private static EdgeStore edgeB;

    @BeforeAll
    static void start() {
        stores = TwoStores.start();
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
    void anAnonymousSessionStartedAtOneEdgeIsFoundAtTheOtherUntilItEnds() {
        anonymousSessionsAreShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        anonymousSessionsAreShared(memory, memory);
    }

    private static void anonymousSessionsAreShared(EdgeStore a, EdgeStore b) {
        String id = UUID.randomUUID().toString();
        a.putAnonymousSession(
                new StoredAnonymousSession(id, "csrf-1", Instant.now().plusSeconds(600)));
        assertEquals("csrf-1", b.findAnonymousSession(id).orElseThrow().csrf());
        assertTrue(b.findSession(id).isEmpty(), "an anonymous session is not a signed-in one");
        b.endSession(id);
        assertTrue(a.findAnonymousSession(id).isEmpty(), "ended at one edge, gone at the other");
        String old = UUID.randomUUID().toString();
        a.putAnonymousSession(
                new StoredAnonymousSession(old, "csrf-2", Instant.now().minusSeconds(1)));
        assertTrue(b.findAnonymousSession(old).isEmpty(), "an expired session must not be found");
    }

    @Test
    void aDeviceCodeApprovedAtOneEdgeIsRedeemedAtTheOtherOnce() {
        devicesAreShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        devicesAreShared(memory, memory);
    }

    private static void devicesAreShared(EdgeStore a, EdgeStore b) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String device = UUID.randomUUID().toString();
        String user = userCode();
        assertTrue(a.putDeviceGrant(device, grant(user, now)));
        assertFalse(b.putDeviceGrant(UUID.randomUUID().toString(), grant(user, now)), "a user code is taken once");
        assertFalse(b.putDeviceGrant(device, grant(userCode(), now)), "a device code is taken once");
        StoredDeviceGrant found = b.findDeviceGrant(user, now).orElseThrow();
        assertEquals(user, found.userCode());
        assertEquals("ssh.example.com", found.app());
        assertEquals(Status.PENDING, found.status());
        assertEquals(DevicePoll.Outcome.PENDING, a.pollDeviceGrant(device, now).outcome());
        String session1 = EdgeStore.sessionDigest("session-1");
        assertTrue(b.decideDeviceGrant(user, Status.APPROVED, ALICE, session1, now));
        assertFalse(
                a.decideDeviceGrant(user, Status.DENIED, ALICE, EdgeStore.sessionDigest("session-2"), now),
                "decided once, anywhere");
        DevicePoll redeemed = b.pollDeviceGrant(device, now.plusSeconds(5));
        assertEquals(DevicePoll.Outcome.APPROVED, redeemed.outcome());
        assertEquals(ALICE, redeemed.grant().orElseThrow().identity().orElseThrow());
        assertEquals(session1, redeemed.grant().orElseThrow().sessionDigest().orElseThrow());
        DevicePoll replay = a.pollDeviceGrant(device, now.plusSeconds(10));
        assertEquals(DevicePoll.Outcome.REPLAY, replay.outcome(), "the second redemption, at the other edge");
        assertEquals(session1, replay.grant().orElseThrow().sessionDigest().orElseThrow());
        assertEquals(
                DevicePoll.Outcome.UNKNOWN,
                a.pollDeviceGrant("never-issued", now).outcome());
        assertTrue(a.findDeviceGrant(user, now.plusSeconds(601)).isEmpty(), "an expired user code is not found");
    }

    @Test
    void pollingTooSoonAtEitherEdgeWidensTheIntervalForBoth() {
        pollingIsShared(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        pollingIsShared(memory, memory);
    }

    private static void pollingIsShared(EdgeStore a, EdgeStore b) {
        // PostgreSQL keeps microseconds, rounding: a whole millisecond compares the same before and after.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String device = UUID.randomUUID().toString();
        String user = userCode();
        a.putDeviceGrant(device, grant(user, now));
        assertEquals(DevicePoll.Outcome.PENDING, a.pollDeviceGrant(device, now).outcome());
        DevicePoll tooSoon = b.pollDeviceGrant(device, now.plusSeconds(1));
        assertEquals(DevicePoll.Outcome.SLOW_DOWN, tooSoon.outcome());
        assertEquals(10, tooSoon.grant().orElseThrow().interval());
        assertEquals(
                DevicePoll.Outcome.SLOW_DOWN,
                a.pollDeviceGrant(device, now.plusSeconds(6)).outcome(),
                "5 s after a poll is too soon once the interval is 10 s");
        assertEquals(
                DevicePoll.Outcome.PENDING,
                b.pollDeviceGrant(device, now.plusSeconds(21)).outcome());
        assertTrue(a.decideDeviceGrant(user, Status.DENIED, ALICE, "session-3", now.plusSeconds(22)));
        assertEquals(
                DevicePoll.Outcome.DENIED,
                b.pollDeviceGrant(device, now.plusSeconds(41)).outcome());
        assertEquals(
                DevicePoll.Outcome.UNKNOWN,
                a.pollDeviceGrant(device, now.plusSeconds(61)).outcome(),
                "a denial is told once");
        String late = UUID.randomUUID().toString();
        a.putDeviceGrant(late, grant(userCode(), now));
        assertEquals(
                DevicePoll.Outcome.EXPIRED,
                b.pollDeviceGrant(late, now.plusSeconds(600)).outcome());
    }

    @Test
    void concurrentPollsFromBothEdgesRedeemAnApprovedCodeExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                Instant now = Instant.now();
                String device = UUID.randomUUID().toString();
                String user = userCode();
                edgeA.putDeviceGrant(device, grant(user, now));
                edgeB.decideDeviceGrant(user, Status.APPROVED, ALICE, "session-" + round, now);
                List<Callable<DevicePoll.Outcome>> polls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    EdgeStore edge = i % 2 == 0 ? edgeA : edgeB;
                    polls.add(() -> edge.pollDeviceGrant(device, now).outcome());
                }
                int approved = 0;
                for (Future<DevicePoll.Outcome> f : pool.invokeAll(polls)) {
                    approved += f.get() == DevicePoll.Outcome.APPROVED ? 1 : 0;
                }
                assertEquals(1, approved, "round " + round + ": exactly one poll may redeem the code");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPinChallengeShowsTheTriesLeftAtEveryEdge() {
        pinTriesAreShown(edgeA, edgeB);
        InMemoryEdgeStore memory = new InMemoryEdgeStore(CLOCK);
        pinTriesAreShown(memory, memory);
    }

    private static void pinTriesAreShown(EdgeStore a, EdgeStore b) {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        a.putPinChallenge(id, "123456", new StoredPinChallenge("dan@example.com", "/", 5, now.plusSeconds(600)));
        assertEquals(5, b.findPinChallenge(id, now).orElseThrow().attemptsLeft());
        assertEquals(PinAttempt.Outcome.WRONG, b.attemptPin(id, "000000", now).outcome());
        StoredPinChallenge seen = a.findPinChallenge(id, now).orElseThrow();
        assertEquals(4, seen.attemptsLeft(), "a wrong try at one edge shows at the other");
        assertEquals("dan@example.com", seen.email());
        assertTrue(a.findPinChallenge(id, now.plusSeconds(600)).isEmpty(), "an expired challenge is not shown");
        assertTrue(b.findPinChallenge("never-started", now).isEmpty());
    }

    private static StoredDeviceGrant grant(String userCode, Instant now) {
        return StoredDeviceGrant.pending(
                userCode, "ssh.example.com", "192.0.2.7", "portless-access/1", now, now.plusSeconds(600), 5);
    }

    private static String userCode() {
        String letters =
                UUID.randomUUID().toString().replaceAll("[^a-f0-9]", "").toUpperCase();
        return letters.substring(0, 4) + "-" + letters.substring(4, 8);
    }
}
