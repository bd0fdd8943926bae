package dev.portless.connector.edge.identity.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.IdentitySignOut;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.token.VerifiedAppToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An administrator's sign-out refuses what came before it, for its identity and app only, at every edge. */
class TokenRevocationsTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00.400Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aSignOutRefusesEarlierTokensOfItsIdentityAndAppOnly() {
        TokenRevocations revocations = new TokenRevocations(CLOCK);
        revocations.signOut(TokenRevocations.userName("alice@example.com"), "db.example.com", Duration.ofHours(1));

        Instant before = NOW.minusSeconds(30);
        Instant sameSecond = Instant.parse("2026-12-04T12:00:00Z");
        Instant after = NOW.plusSeconds(1);
        assertTrue(revocations
                .signedOut(token("Alice@Example.com", "db.example.com", before))
                .isPresent());
        assertTrue(revocations
                .signedOut(token("alice@example.com", "db.example.com", sameSecond))
                .isPresent());
        assertFalse(
                revocations
                        .signedOut(token("alice@example.com", "db.example.com", after))
                        .isPresent(),
                "a new sign-in is not refused: a sign-out is not a ban");
        assertFalse(revocations
                .signedOut(token("alice@example.com", "wiki.example.com", before))
                .isPresent());
        assertFalse(revocations
                .signedOut(token("bob@example.com", "db.example.com", before))
                .isPresent());
        // A browser session serves every app: a sign-out from one app ends it too.
        Identity alice = Identity.user("pin", "alice@example.com", Optional.of("alice@example.com"), List.of());
        assertTrue(revocations.signedOut(alice, null, before).isPresent());
    }

    @Test
    void anotherEdgeLearnsTheSignOutFromTheStoreAndTellsItsListenersOnce() {
        InMemoryEdgeStore store = new InMemoryEdgeStore(CLOCK);
        TokenRevocations here = new TokenRevocations(CLOCK, store);
        TokenRevocations there = new TokenRevocations(CLOCK, store);
        List<IdentitySignOut> heard = new ArrayList<>();
        there.onSignOut((signOut, madeHere) -> heard.add(signOut));

        here.signOut(TokenRevocations.serviceTokenName("ci"), "", Duration.ofHours(1));
        VerifiedAppToken ci = new VerifiedAppToken(
                "service-token:ci",
                Optional.empty(),
                List.of(),
                "db.example.com",
                NOW.minusSeconds(5),
                NOW.plusSeconds(300),
                "j",
                Optional.of("ci"));
        assertFalse(there.signedOut(ci).isPresent(), "not learnt before the refresh");
        there.refresh();
        there.refresh();
        assertTrue(there.signedOut(ci).isPresent());
        assertEquals(1, heard.size());
        assertEquals("", heard.get(0).app());
    }

    private static VerifiedAppToken token(String email, String app, Instant issuedAt) {
        return new VerifiedAppToken(
                "sub-" + email, Optional.of(email), List.of(), app, issuedAt, issuedAt.plusSeconds(3600), "jti");
    }
}
