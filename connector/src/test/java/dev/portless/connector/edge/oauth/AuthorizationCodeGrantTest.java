package dev.portless.connector.edge.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portless.common.json.Json;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.IdentityJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A stored authorization code names its browser session by digest only, and reads codes stored before. */
class AuthorizationCodeGrantTest {
    private static final String SESSION_ID = "k3Jx9-session-cookie-value";
    private static final Identity ALICE =
            Identity.user("pin", "alice@example.com", Optional.of("alice@example.com"), List.of());
    private static final Instant EXPIRES = Instant.parse("2026-12-04T12:05:00Z");

    @Test
    void theStoredPayloadHoldsTheSessionsDigestNotItsId() {
        AuthorizationCodes.Grant grant = new AuthorizationCodes.Grant(
                "portless-access",
                "http://127.0.0.1:9/callback",
                "challenge",
                "db.example.com",
                ALICE,
                EdgeStore.sessionDigest(SESSION_ID),
                EXPIRES);

        String json = grant.json();

        assertFalse(json.contains(SESSION_ID), json);
        assertEquals(grant, AuthorizationCodes.Grant.parse(json));
    }

    @Test
    void aCodeStoredWithTheSessionsIdIsReadWithItsDigest() {
        Map<String, Object> legacy = new LinkedHashMap<>();
        legacy.put("client_id", "portless-access");
        legacy.put("redirect_uri", "http://127.0.0.1:9/callback");
        legacy.put("challenge", "challenge");
        legacy.put("app", "db.example.com");
        legacy.put("identity", IdentityJson.fields(ALICE));
        legacy.put("session", SESSION_ID);
        legacy.put("expires_at", EXPIRES.toString());

        AuthorizationCodes.Grant grant = AuthorizationCodes.Grant.parse(Json.write(legacy));

        assertEquals(EdgeStore.sessionDigest(SESSION_ID), grant.sessionDigest());
    }
}
