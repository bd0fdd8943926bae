package dev.portless.connector.edge.signout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.json.Json;
import dev.portless.common.relay.RelayPair;
import dev.portless.connector.edge.audit.EdgeAuditLog;
import dev.portless.connector.edge.config.AuditSettings;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.SignOutEnforcement;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.edge.streams.OpenStreams;
import dev.portless.connector.edge.streams.StreamOwner;
import dev.portless.connector.edge.streams.StreamTimeouts;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sign-out ends the live streams of its identity only, at the edge that took it and at one that learnt it from
 * the store, and each edge's audit log says what it ended there.
 */
class LiveStreamSignOutTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String APP = "chat.example.com";

    @Test
    void endsTheIdentitysStreamsAndTellsTheEventsAtBothEdges() {
        InMemoryEdgeStore store = new InMemoryEdgeStore(CLOCK);
        TokenRevocations here = new TokenRevocations(CLOCK, store);
        TokenRevocations there = new TokenRevocations(CLOCK, store);
        OpenStreams streamsHere = new OpenStreams(app -> StreamTimeouts.NONE);
        OpenStreams streamsThere = new OpenStreams(app -> StreamTimeouts.NONE);
        List<SignOutEnforcement> heardHere = new ArrayList<>();
        List<SignOutEnforcement> heardThere = new ArrayList<>();
        LiveStreamSignOut.enforce(here, streamsHere, recording(heardHere));
        LiveStreamSignOut.enforce(there, streamsThere, recording(heardThere));
        RelayPair alice = stream(streamsThere, "alice@example.com");
        RelayPair bob = stream(streamsThere, "bob@example.com");

        here.signOut(TokenRevocations.userName("alice@example.com"), APP, Duration.ofHours(1));
        assertEquals(
                List.of(new SignOutEnforcement("user:alice@example.com", APP, NOW, true, 0)),
                heardHere,
                "the edge that took it has no stream of alice");
        assertFalse(alice.ended(), "the other edge has not learnt it yet");

        there.refresh();
        assertEquals(List.of(new SignOutEnforcement("user:alice@example.com", APP, NOW, false, 1)), heardThere);
        assertTrue(alice.ended());
        assertFalse(bob.ended(), "another person's stream goes on");
    }

    @Test
    void theAuditLogSaysWhomFromWhichAppByWhatAndHowManyStreamsEnded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (EdgeAuditLog audit = EdgeAuditLog.open(new AuditSettings(Optional.of(file), true), CLOCK, 16)) {
            audit.signOutEnforced(new SignOutEnforcement("service-token:ci", "", NOW, true, 3));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(1, lines.size(), lines.toString());
        Map<String, Object> record = Json.readObject(lines.get(0));
        assertEquals("sign_out", record.get("event"));
        assertEquals("service-token:ci", record.get("identity"));
        assertEquals("*", record.get("app"));
        assertEquals(NOW.toString(), record.get("signed_out_at"));
        assertEquals("admin_listener", record.get("by"));
        assertEquals(3, ((Number) record.get("streams_ended")).intValue());
    }

    private static EdgeEvents recording(List<SignOutEnforcement> heard) {
        return new EdgeEvents() {
            @Override
            public void signOutEnforced(SignOutEnforcement enforcement) {
                heard.add(enforcement);
            }
        };
    }

    private static RelayPair stream(OpenStreams streams, String email) {
        EmbeddedChannel client = channel();
        EmbeddedChannel target = channel();
        RelayPair pair = RelayPair.join(client, "client", target, "target");
        Identity who = Identity.user("pin", email, Optional.of(email), List.of());
        streams.track(pair, new StreamOwner(who, APP, NOW.minusSeconds(60)), client.eventLoop());
        return pair;
    }

    private static EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setOption(ChannelOption.AUTO_READ, false);
        return channel;
    }
}
