package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Instant;
import java.util.Optional;

/**
 * The PostgreSQL store's sign-ins in progress: anonymous browser sessions and device authorizations. A poll
 * locks its authorization's row for the length of one transaction, so of two edges polling one approved device
 * code at once exactly one redeems it.
 */
final class PostgresSignInsInProgress {
    private static final String GRANT_COLUMNS = "app, client, user_agent, created_at, expires_at, status, identity,"
            + " session_sha256, poll_interval, last_poll";

    private final PostgresEdgeStore store;

    PostgresSignInsInProgress(PostgresEdgeStore store) {
        this.store = store;
    }

    void putAnonymousSession(StoredAnonymousSession session) {
        store.update(
                "storing a browser session",
                "INSERT INTO portless_anonymous_sessions (id_sha256, csrf, expires_at) VALUES (?, ?, ?)",
                PostgresEdgeStore.sha256(session.id()),
                session.csrf(),
                Timestamp.from(session.expiresAt()));
    }

    Optional<StoredAnonymousSession> findAnonymousSession(String id) {
        return store.run("reading a browser session", c -> {
            try (PreparedStatement ps = store.prepare(
                    c,
                    "SELECT csrf, expires_at FROM portless_anonymous_sessions WHERE id_sha256 = ? AND expires_at > now()",
                    PostgresEdgeStore.sha256(id))) {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new StoredAnonymousSession(
                                    id, rs.getString(1), rs.getTimestamp(2).toInstant()))
                            : Optional.empty();
                }
            }
        });
    }

    boolean putDeviceGrant(String deviceCode, StoredDeviceGrant grant) {
        requireNonNull(grant, "grant");
        // ON CONFLICT DO NOTHING covers both unique codes: a clash of either stores nothing.
        return store.update(
                        "storing a device authorization",
                        "INSERT INTO portless_device_grants (device_sha256, user_sha256, kept_until, " + GRANT_COLUMNS
                                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        PostgresEdgeStore.sha256(deviceCode),
                        PostgresEdgeStore.sha256(grant.userCode()),
                        Timestamp.from(grant.keptUntil()),
                        grant.app(),
                        grant.client(),
                        grant.userAgent(),
                        Timestamp.from(grant.createdAt()),
                        Timestamp.from(grant.expiresAt()),
                        grant.status().name(),
                        grant.identity().map(IdentityJson::write).orElse(null),
                        grant.sessionDigest().orElse(null),
                        grant.interval(),
                        grant.lastPoll().map(Timestamp::from).orElse(null))
                == 1;
    }

    Optional<StoredDeviceGrant> findDeviceGrant(String userCode, Instant now) {
        requireNonNull(userCode, "userCode");
        return store.run("reading a device authorization", c -> {
            try (PreparedStatement ps = store.prepare(
                    c,
                    "SELECT " + GRANT_COLUMNS + " FROM portless_device_grants WHERE user_sha256 = ? AND expires_at > ?",
                    PostgresEdgeStore.sha256(userCode),
                    Timestamp.from(requireNonNull(now, "now")))) {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(grant(userCode, rs)) : Optional.empty();
                }
            }
        });
    }

    boolean decideDeviceGrant(
            String userCode, StoredDeviceGrant.Status decision, Identity who, String sessionDigest, Instant now) {
        return store.update(
                        "deciding a device authorization",
                        "UPDATE portless_device_grants SET status = ?, identity = ?, session_sha256 = ?"
                                + " WHERE user_sha256 = ? AND status = 'PENDING' AND expires_at > ?",
                        requireNonNull(decision, "decision").name(),
                        IdentityJson.write(requireNonNull(who, "who")),
                        requireNonNull(sessionDigest, "sessionDigest"),
                        PostgresEdgeStore.sha256(userCode),
                        Timestamp.from(requireNonNull(now, "now")))
                == 1;
    }

    DevicePoll pollDeviceGrant(String deviceCode, Instant now) {
        String device = PostgresEdgeStore.sha256(deviceCode);
        requireNonNull(now, "now");
        return store.inTransaction("polling a device authorization", c -> poll(c, device, now));
    }

    private DevicePoll poll(Connection c, String device, Instant now) throws SQLException, ParseException {
        StoredDeviceGrant before;
        try (PreparedStatement ps = store.prepare(
                c,
                "SELECT " + GRANT_COLUMNS + " FROM portless_device_grants WHERE device_sha256 = ? FOR UPDATE",
                device)) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return DevicePoll.UNKNOWN;
                }
                before = grant("", rs);
            }
        }
        DevicePoll poll = DevicePoll.of(before, now);
        if (poll.ends()) {
            try (PreparedStatement ps =
                    store.prepare(c, "DELETE FROM portless_device_grants WHERE device_sha256 = ?", device)) {
                ps.executeUpdate();
            }
        } else if (poll.changes()) {
            StoredDeviceGrant after = poll.grant().orElseThrow();
            try (PreparedStatement ps = store.prepare(
                    c,
                    "UPDATE portless_device_grants SET status = ?, poll_interval = ?, last_poll = ?"
                            + " WHERE device_sha256 = ?",
                    after.status().name(),
                    after.interval(),
                    Timestamp.from(now),
                    device)) {
                ps.executeUpdate();
            }
        }
        return poll;
    }

    private static StoredDeviceGrant grant(String userCode, ResultSet rs) throws SQLException, ParseException {
        String identity = rs.getString(7);
        Timestamp lastPoll = rs.getTimestamp(10);
        return new StoredDeviceGrant(
                userCode,
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5).toInstant(),
                StoredDeviceGrant.Status.valueOf(rs.getString(6)),
                identity == null ? Optional.empty() : Optional.of(IdentityJson.read(identity)),
                Optional.ofNullable(rs.getString(8)),
                rs.getInt(9),
                Optional.ofNullable(lastPoll).map(Timestamp::toInstant));
    }
}
