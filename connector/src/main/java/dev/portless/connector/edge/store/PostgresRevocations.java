package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The PostgreSQL store's record of what sign-ins led to and what was taken back: the tokens each browser session
 * obtained, the tokens revoked (which every edge copies each second) and administrators' sign-outs.
 */
final class PostgresRevocations {
    private final PostgresEdgeStore store;

    PostgresRevocations(PostgresEdgeStore store) {
        this.store = store;
    }

    void tokenIssued(String sessionDigest, String jti, Instant expiresAt) {
        store.update(
                "recording an issued token",
                "INSERT INTO portless_issued_tokens (session_sha256, jti, expires_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT DO NOTHING",
                requireNonNull(sessionDigest, "sessionDigest"),
                requireNonNull(jti, "jti"),
                Timestamp.from(requireNonNull(expiresAt, "expiresAt")));
    }

    Set<String> revokeSession(String sessionDigest) {
        String digest = requireNonNull(sessionDigest, "sessionDigest");
        return store.run("revoking a session's tokens", c -> {
            // One statement: the tokens leave the issued list and enter the revoked one together.
            try (PreparedStatement ps = store.prepare(
                    c,
                    "WITH gone AS (DELETE FROM portless_issued_tokens WHERE session_sha256 = ?"
                            + " RETURNING jti, expires_at)"
                            + " INSERT INTO portless_revoked_tokens (jti, expires_at) SELECT jti, expires_at FROM gone"
                            + " ON CONFLICT DO NOTHING RETURNING jti",
                    digest)) {
                return ids(ps);
            }
        });
    }

    Set<String> revokedTokens() {
        return store.run("reading revoked tokens", c -> {
            try (PreparedStatement ps = store.prepare(c, "SELECT jti FROM portless_revoked_tokens")) {
                return ids(ps);
            }
        });
    }

    void signOut(IdentitySignOut signOut) {
        requireNonNull(signOut, "signOut");
        store.update(
                "recording an administrator's sign-out",
                "INSERT INTO portless_identity_sign_outs (identity, app, signed_out_at, expires_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (identity, app) DO UPDATE SET signed_out_at = excluded.signed_out_at,"
                        + " expires_at = excluded.expires_at",
                signOut.identity(),
                signOut.app(),
                Timestamp.from(signOut.at()),
                Timestamp.from(signOut.expiresAt()));
    }

    List<IdentitySignOut> signOuts() {
        return store.run("reading administrators' sign-outs", c -> {
            try (PreparedStatement ps = store.prepare(
                    c, "SELECT identity, app, signed_out_at, expires_at FROM portless_identity_sign_outs")) {
                try (ResultSet rs = ps.executeQuery()) {
                    List<IdentitySignOut> all = new ArrayList<>();
                    while (rs.next()) {
                        all.add(new IdentitySignOut(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getTimestamp(3).toInstant(),
                                rs.getTimestamp(4).toInstant()));
                    }
                    return all;
                }
            }
        });
    }

    private static Set<String> ids(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            Set<String> ids = new HashSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }
}
