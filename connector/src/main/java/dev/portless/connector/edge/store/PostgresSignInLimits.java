package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The PostgreSQL store's PIN challenges and rate windows: each try and each use is one conditional statement,
 * whose row lock orders the edges' calls, so none is lost or counted twice.
 */
final class PostgresSignInLimits {
    private final PostgresEdgeStore store;

    PostgresSignInLimits(PostgresEdgeStore store) {
        this.store = store;
    }

    boolean putPinChallenge(String id, String pin, StoredPinChallenge challenge) {
        return store.update(
                        "storing a PIN challenge",
                        "INSERT INTO portless_pin_challenges"
                                + " (id_sha256, pin_sha256, email, return_to, attempts_left, expires_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        PostgresEdgeStore.sha256(id),
                        SecretDigest.pin(id, pin),
                        challenge.email(),
                        challenge.returnTo(),
                        positive(challenge.attemptsLeft()),
                        Timestamp.from(challenge.expiresAt()))
                == 1;
    }

    PinAttempt attemptPin(String id, String pin, Instant now) {
        String digest = PostgresEdgeStore.sha256(id);
        String tried = SecretDigest.pin(id, pin == null ? "" : pin);
        Timestamp at = Timestamp.from(requireNonNull(now, "now"));
        return store.run("checking a PIN", c -> {
            // One conditional UPDATE: its row lock orders tries from every edge, so none is lost or counted twice.
            try (PreparedStatement ps = store.prepare(
                    c,
                    "UPDATE portless_pin_challenges SET attempts_left ="
                            + " CASE WHEN pin_sha256 = ? THEN 0 ELSE attempts_left - 1 END"
                            + " WHERE id_sha256 = ? AND attempts_left > 0 AND expires_at > ?"
                            + " RETURNING pin_sha256 = ?, attempts_left, email, return_to, expires_at",
                    tried,
                    digest,
                    at,
                    tried)) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        PinAttempt.Outcome outcome = rs.getBoolean(1)
                                ? PinAttempt.Outcome.SIGNED_IN
                                : rs.getInt(2) == 0 ? PinAttempt.Outcome.LOCKED : PinAttempt.Outcome.WRONG;
                        return new PinAttempt(outcome, Optional.of(pinChallenge(rs)));
                    }
                }
            }
            try (PreparedStatement ps = store.prepare(
                    c,
                    "SELECT expires_at > ?, attempts_left, email, return_to, expires_at"
                            + " FROM portless_pin_challenges WHERE id_sha256 = ?",
                    at,
                    digest)) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return PinAttempt.UNKNOWN;
                    }
                    // Nothing was counted: the challenge is past its time, or its tries are used up.
                    PinAttempt.Outcome outcome =
                            rs.getBoolean(1) ? PinAttempt.Outcome.LOCKED : PinAttempt.Outcome.EXPIRED;
                    return new PinAttempt(outcome, Optional.of(pinChallenge(rs)));
                }
            }
        });
    }

    Optional<StoredPinChallenge> findPinChallenge(String id, Instant now) {
        String digest = PostgresEdgeStore.sha256(id);
        Timestamp at = Timestamp.from(requireNonNull(now, "now"));
        return store.run("reading a PIN challenge", c -> {
            try (PreparedStatement ps = store.prepare(
                    c,
                    "SELECT true, attempts_left, email, return_to, expires_at"
                            + " FROM portless_pin_challenges WHERE id_sha256 = ? AND expires_at > ?",
                    digest,
                    at)) {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(pinChallenge(rs)) : Optional.empty();
                }
            }
        });
    }

    private static StoredPinChallenge pinChallenge(ResultSet rs) throws SQLException {
        return new StoredPinChallenge(
                rs.getString(3),
                rs.getString(4),
                rs.getInt(2),
                rs.getTimestamp(5).toInstant());
    }

    private static int positive(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attemptsLeft: " + attempts + " (expected: at least 1 for a new PIN)");
        }
        return attempts;
    }

    int countInWindow(String bucket, Duration window, Instant now) {
        Timestamp at = Timestamp.from(requireNonNull(now, "now"));
        Timestamp ends = Timestamp.from(now.plus(requireNonNull(window, "window")));
        return store.run("counting a rate window", c -> {
            try (PreparedStatement ps = store.prepare(
                    c,
                    "INSERT INTO portless_rate_windows AS w (bucket_sha256, used, expires_at) VALUES (?, 1, ?)"
                            + " ON CONFLICT (bucket_sha256) DO UPDATE SET"
                            + " used = CASE WHEN w.expires_at <= ? THEN 1 ELSE w.used + 1 END,"
                            + " expires_at = CASE WHEN w.expires_at <= ? THEN EXCLUDED.expires_at ELSE w.expires_at END"
                            + " RETURNING used",
                    PostgresEdgeStore.sha256(bucket),
                    ends,
                    at,
                    at)) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    void uncountInWindow(String bucket, Instant now) {
        store.update(
                "taking back a use of a rate window",
                "UPDATE portless_rate_windows SET used = used - 1 WHERE bucket_sha256 = ? AND expires_at > ? AND used > 0",
                PostgresEdgeStore.sha256(bucket),
                Timestamp.from(requireNonNull(now, "now")));
    }
}
