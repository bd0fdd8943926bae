package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.store.CodeKind;
import dev.portless.connector.edge.store.CodeRedemption;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.PostgresEdgeStore;
import dev.portless.connector.edge.store.StoredDeviceGrant;
import dev.portless.it.peers.Postgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A database at schema version 4, whose device authorization and authorization code name their browser session by
 * id, is migrated so that both name it by digest, and the edge still finds the session they came from.
 */
@Timeout(120)
class SessionDigestMigrationTest {
    private static final String[] BEFORE = {
        "V1__shared_sign_in_state.sql",
        "V2__pin_challenges_and_rate_windows.sql",
        "V3__identity_sign_outs.sql",
        "V4__sign_ins_in_progress.sql"
    };
    private static final String SESSION = "session-id-in-clear";
    private static final String USER_CODE = "ABCD-EFGH";
    private static final String CODE = "an-authorization-code";

    @Test
    void version5KeepsDigestsOfTheSessionsDevicesAndCodesNamed() throws Exception {
        try (Postgres postgres = Postgres.start()) {
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE portless_schema_version ("
                        + "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
                for (int v = 1; v <= BEFORE.length; v++) {
                    st.execute(migration(BEFORE[v - 1]));
                    st.execute("INSERT INTO portless_schema_version (version) VALUES (" + v + ")");
                }
                st.execute("INSERT INTO portless_device_grants (device_sha256, user_sha256, app, client, user_agent,"
                        + " created_at, expires_at, kept_until, status, identity, session_id, poll_interval)"
                        + " VALUES ('d', '" + sha256(USER_CODE) + "', 'ssh.example.com', '192.0.2.7', 'access',"
                        + " now(), now() + interval '10 minutes', now() + interval '20 minutes', 'APPROVED', NULL, '"
                        + SESSION + "', 5)");
                st.execute("INSERT INTO portless_codes (kind, code_sha256, payload, expires_at) VALUES ("
                        + "'authorization', '" + sha256(CODE) + "', '{\"app\": \"db.example.com\", \"session\": \""
                        + SESSION + "\"}', now() + interval '5 minutes')");
            }

            try (PostgresEdgeStore store = PostgresEdgeStore.open(TwoStores.settings(postgres))) {
                StoredDeviceGrant grant =
                        store.findDeviceGrant(USER_CODE, Instant.now()).orElseThrow();
                assertEquals(Optional.of(EdgeStore.sessionDigest(SESSION)), grant.sessionDigest());
                CodeRedemption redeemed = store.redeemCode(CodeKind.AUTHORIZATION, CODE);
                String payload = redeemed.payload().orElseThrow();
                assertFalse(payload.contains(SESSION), payload);
                assertTrue(
                        payload.contains("\"session_sha256\": \"" + EdgeStore.sessionDigest(SESSION) + "\""), payload);
            }
        }
    }

    private static String migration(String name) throws IOException {
        try (InputStream in = PostgresEdgeStore.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
