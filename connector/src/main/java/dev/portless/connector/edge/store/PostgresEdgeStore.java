package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portless.connector.edge.config.StoreSettings;
import dev.portless.connector.edge.policy.Identity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The store several edges share, in PostgreSQL: a small connection pool whose every connect and statement has
 * a timeout, so a database that stops answering fails a sign-in within seconds instead of holding a web
 * worker. Single-use codes are spent with one conditional {@code UPDATE ... RETURNING}, which PostgreSQL
 * runs atomically, so two edges can never both spend one code.
 */
public final class PostgresEdgeStore implements EdgeStore {
    private final HikariDataSource pool;
    private final int queryTimeoutSeconds;
    private final PostgresSignInLimits limits = new PostgresSignInLimits(this);
    private final PostgresSignInsInProgress inProgress = new PostgresSignInsInProgress(this);
    private final PostgresRevocations revocations = new PostgresRevocations(this);

    private PostgresEdgeStore(HikariDataSource pool, int queryTimeoutSeconds) {
        this.pool = pool;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * Returns the store {@code settings} name, its schema created or migrated, the password read from the file or
     * environment variable the settings name.
     *
     * @throws IllegalStateException    when the database cannot be reached or migrated: the edge does not start
     * @throws IllegalArgumentException when the password cannot be read
     */
    public static PostgresEdgeStore open(StoreSettings settings) {
        requireNonNull(settings, "settings");
        String password = StorePassword.read(settings);
        int queryTimeout = (int) Math.max(1, settings.queryTimeout().toSeconds());
        HikariConfig config = new HikariConfig();
        config.setPoolName("edge-store");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(password);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        long connectMillis = Math.max(250, settings.connectTimeout().toMillis());
        config.setConnectionTimeout(connectMillis);
        config.setValidationTimeout(Math.min(connectMillis, 1000));
        // Start-up fails within the connect timeout when the database does not answer.
        config.setInitializationFailTimeout(connectMillis);
        config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, connectMillis / 1000)));
        config.addDataSourceProperty("loginTimeout", String.valueOf(Math.max(1, connectMillis / 1000)));
        // A socket read outlasting the query timeout means the server is gone: give up on the connection.
        config.addDataSourceProperty("socketTimeout", String.valueOf(queryTimeout * 2 + 1));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "portless-edge");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw cannotOpen(settings, rootCause(e));
        }
        PostgresEdgeStore store = new PostgresEdgeStore(pool, queryTimeout);
        try (Connection c = pool.getConnection()) {
            StoreSchema.migrate(c, queryTimeout);
        } catch (SQLException e) {
            pool.close();
            throw cannotOpen(settings, e);
        }
        return store;
    }

    private static IllegalStateException cannotOpen(StoreSettings settings, Throwable cause) {
        return new IllegalStateException(
                "cannot open the edge's store at " + settings.jdbcUrl() + ": " + cause.getMessage()
                        + " (check store: in edge.yml, and that PostgreSQL runs and lets user " + settings.user()
                        + " create tables there)",
                cause);
    }

    @Override
    public void putSession(StoredSession session) {
        update(
                "storing a browser session",
                "INSERT INTO portless_browser_sessions (id_sha256, csrf, identity, expires_at) VALUES (?, ?, ?, ?)",
                sha256(session.id()),
                session.csrf(),
                IdentityJson.write(session.identity()),
                Timestamp.from(session.expiresAt()));
    }

    @Override
    public Optional<StoredSession> findSession(String id) {
        requireNonNull(id, "id");
        return run("reading a browser session", c -> {
            try (PreparedStatement ps = prepare(
                    c,
                    "SELECT csrf, identity, expires_at FROM portless_browser_sessions"
                            + " WHERE id_sha256 = ? AND expires_at > now()",
                    sha256(id))) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredSession(
                            id,
                            rs.getString(1),
                            IdentityJson.read(rs.getString(2)),
                            rs.getTimestamp(3).toInstant()));
                }
            }
        });
    }

    @Override
    public void endSession(String id) {
        update("ending a browser session", "DELETE FROM portless_browser_sessions WHERE id_sha256 = ?", sha256(id));
        update("ending a browser session", "DELETE FROM portless_anonymous_sessions WHERE id_sha256 = ?", sha256(id));
    }

    @Override
    public void endSessionByDigest(String sessionDigest) {
        requireNonNull(sessionDigest, "sessionDigest");
        update("ending a browser session", "DELETE FROM portless_browser_sessions WHERE id_sha256 = ?", sessionDigest);
        update(
                "ending a browser session",
                "DELETE FROM portless_anonymous_sessions WHERE id_sha256 = ?",
                sessionDigest);
    }

    @Override
    public void putAnonymousSession(StoredAnonymousSession session) {
        inProgress.putAnonymousSession(requireNonNull(session, "session"));
    }

    @Override
    public Optional<StoredAnonymousSession> findAnonymousSession(String id) {
        return inProgress.findAnonymousSession(requireNonNull(id, "id"));
    }

    @Override
    public Optional<StoredPinChallenge> findPinChallenge(String id, Instant now) {
        return limits.findPinChallenge(id, now);
    }

    @Override
    public boolean putDeviceGrant(String deviceCode, StoredDeviceGrant grant) {
        return inProgress.putDeviceGrant(deviceCode, grant);
    }

    @Override
    public Optional<StoredDeviceGrant> findDeviceGrant(String userCode, Instant now) {
        return inProgress.findDeviceGrant(userCode, now);
    }

    @Override
    public boolean decideDeviceGrant(
            String userCode, StoredDeviceGrant.Status decision, Identity who, String sessionDigest, Instant now) {
        return inProgress.decideDeviceGrant(userCode, decision, who, sessionDigest, now);
    }

    @Override
    public DevicePoll pollDeviceGrant(String deviceCode, Instant now) {
        return inProgress.pollDeviceGrant(deviceCode, now);
    }

    @Override
    public boolean putCode(CodeKind kind, String code, String payload, Instant expiresAt) {
        return update(
                        "storing a code",
                        "INSERT INTO portless_codes (kind, code_sha256, payload, expires_at) VALUES (?, ?, ?, ?)"
                                + " ON CONFLICT DO NOTHING",
                        kind.column(),
                        sha256(code),
                        requireNonNull(payload, "payload"),
                        Timestamp.from(requireNonNull(expiresAt, "expiresAt")))
                == 1;
    }

    @Override
    public CodeRedemption redeemCode(CodeKind kind, String code) {
        requireNonNull(kind, "kind");
        String digest = sha256(code);
        return run("redeeming a code", c -> {
            // The row lock this UPDATE takes makes a concurrent redemption wait and then find it spent.
            try (PreparedStatement ps = prepare(
                    c,
                    "UPDATE portless_codes SET spent = true WHERE kind = ? AND code_sha256 = ? AND NOT spent"
                            + " RETURNING payload",
                    kind.column(),
                    digest)) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return new CodeRedemption(CodeRedemption.Outcome.FIRST, Optional.of(rs.getString(1)));
                    }
                }
            }
            try (PreparedStatement ps = prepare(
                    c,
                    "SELECT payload FROM portless_codes WHERE kind = ? AND code_sha256 = ?",
                    kind.column(),
                    digest)) {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? new CodeRedemption(CodeRedemption.Outcome.REPLAY, Optional.of(rs.getString(1)))
                            : CodeRedemption.UNKNOWN;
                }
            }
        });
    }

    @Override
    public void tokenIssued(String sessionDigest, String jti, Instant expiresAt) {
        revocations.tokenIssued(sessionDigest, jti, expiresAt);
    }

    @Override
    public Set<String> revokeSession(String sessionDigest) {
        return revocations.revokeSession(sessionDigest);
    }

    @Override
    public Set<String> revokedTokens() {
        return revocations.revokedTokens();
    }

    @Override
    public void signOut(IdentitySignOut signOut) {
        revocations.signOut(signOut);
    }

    @Override
    public List<IdentitySignOut> signOuts() {
        return revocations.signOuts();
    }

    @Override
    public boolean addKey(String kind, StoredKey key) {
        return update(
                        "storing a key",
                        "INSERT INTO portless_keys (kind, id, value, created_at) VALUES (?, ?, ?, ?)"
                                + " ON CONFLICT DO NOTHING",
                        requireNonNull(kind, "kind"),
                        key.id(),
                        key.value(),
                        Timestamp.from(key.created()))
                == 1;
    }

    @Override
    public boolean addKeyUnlessOneSince(String kind, StoredKey key, Instant since) {
        requireNonNull(kind, "kind");
        requireNonNull(since, "since");
        return inTransaction("storing a key", c -> {
            // Edges that check and add at the same moment take turns on a lock of the key kind's own, held
            // until the commit, so the second one sees the first one's key.
            try (PreparedStatement lock =
                    prepare(c, "SELECT pg_advisory_xact_lock(hashtext(?))", "portless_keys:" + kind)) {
                lock.execute();
            }
            try (PreparedStatement insert = prepare(
                    c,
                    "INSERT INTO portless_keys (kind, id, value, created_at) SELECT ?, ?, ?, ?"
                            + " WHERE NOT EXISTS (SELECT 1 FROM portless_keys WHERE kind = ? AND created_at >= ?)"
                            + " ON CONFLICT DO NOTHING",
                    kind,
                    key.id(),
                    key.value(),
                    Timestamp.from(key.created()),
                    kind,
                    Timestamp.from(since))) {
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<StoredKey> keys(String kind) {
        requireNonNull(kind, "kind");
        return run("reading keys", c -> {
            try (PreparedStatement ps = prepare(
                    c,
                    "SELECT id, value, created_at FROM portless_keys WHERE kind = ? ORDER BY created_at, id",
                    kind)) {
                try (ResultSet rs = ps.executeQuery()) {
                    List<StoredKey> keys = new ArrayList<>();
                    while (rs.next()) {
                        keys.add(new StoredKey(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getTimestamp(3).toInstant()));
                    }
                    return keys;
                }
            }
        });
    }

    @Override
    public void deleteKey(String kind, String id) {
        update(
                "deleting a key",
                "DELETE FROM portless_keys WHERE kind = ? AND id = ?",
                requireNonNull(kind, "kind"),
                requireNonNull(id, "id"));
    }

    @Override
    public boolean putPinChallenge(String id, String pin, StoredPinChallenge challenge) {
        return limits.putPinChallenge(id, pin, challenge);
    }

    @Override
    public PinAttempt attemptPin(String id, String pin, Instant now) {
        return limits.attemptPin(id, pin, now);
    }

    @Override
    public int countInWindow(String bucket, Duration window, Instant now) {
        return limits.countInWindow(bucket, window, now);
    }

    @Override
    public void uncountInWindow(String bucket, Instant now) {
        limits.uncountInWindow(bucket, now);
    }

    @Override
    public void expire(Instant now) {
        Timestamp t = Timestamp.from(requireNonNull(now, "now"));
        update("expiring sessions", "DELETE FROM portless_browser_sessions WHERE expires_at <= ?", t);
        update("expiring sessions", "DELETE FROM portless_anonymous_sessions WHERE expires_at <= ?", t);
        update("expiring device authorizations", "DELETE FROM portless_device_grants WHERE kept_until <= ?", t);
        update("expiring codes", "DELETE FROM portless_codes WHERE expires_at <= ?", t);
        update("expiring PIN challenges", "DELETE FROM portless_pin_challenges WHERE expires_at <= ?", t);
        update("expiring rate windows", "DELETE FROM portless_rate_windows WHERE expires_at <= ?", t);
        update("expiring issued tokens", "DELETE FROM portless_issued_tokens WHERE expires_at < ?", t);
        // A verifier allows a minute of clock skew: keep a revocation that long past the token's expiry.
        update(
                "expiring revocations",
                "DELETE FROM portless_revoked_tokens WHERE expires_at < ?",
                Timestamp.from(now.minusSeconds(60)));
        update("expiring sign-outs", "DELETE FROM portless_identity_sign_outs WHERE expires_at < ?", t);
    }

    @Override
    public void close() {
        pool.close();
    }

    int update(String operation, String sql, Object... args) {
        return run(operation, c -> {
            try (PreparedStatement ps = prepare(c, sql, args)) {
                return ps.executeUpdate();
            }
        });
    }

    /** Runs {@code work} as one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(String operation, Work<T> work) {
        return run(operation, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | ParseException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    <T> T run(String operation, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException(operation, e);
        } catch (ParseException e) {
            throw new IllegalStateException(operation + ": a stored identity is not valid JSON: " + e.getMessage(), e);
        }
    }

    PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setQueryTimeout(queryTimeoutSeconds);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    static String sha256(String secret) {
        return SecretDigest.sha256(requireNonNull(secret, "secret"));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    interface Work<T> {
        T run(Connection c) throws SQLException, ParseException;
    }
}
