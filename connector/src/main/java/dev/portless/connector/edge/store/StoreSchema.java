package dev.portless.connector.edge.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared store's tables, created and migrated by whichever edge starts first: plain SQL files in this
 * package's resources, applied in order, each recorded in {@code portless_schema_version}. An advisory lock
 * keeps two edges starting at once from applying the same file twice.
 */
final class StoreSchema {
    private static final Logger log = LoggerFactory.getLogger(StoreSchema.class);
    // Any constant every edge agrees on; it names the migration lock among the database's advisory locks.
    private static final long MIGRATION_LOCK = 0x706f72746c657373L;
    /** The migrations, version n at index n - 1. */
    private static final List<String> MIGRATIONS = List.of(
            "V1__shared_sign_in_state.sql",
            "V2__pin_challenges_and_rate_windows.sql",
            "V3__identity_sign_outs.sql",
            "V4__sign_ins_in_progress.sql",
            "V5__session_digests_in_payloads.sql");

    private StoreSchema() {}

    /** Brings the database up to this edge's schema version, inside one transaction. */
    static void migrate(Connection c, int queryTimeoutSeconds) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(queryTimeoutSeconds);
            st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            st.execute("CREATE TABLE IF NOT EXISTS portless_schema_version ("
                    + "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            int current;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM portless_schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > MIGRATIONS.size()) {
                throw new SQLException("the database's schema version " + current + " is newer than this edge's "
                        + MIGRATIONS.size() + "; upgrade this edge to the version the other edges run");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                st.execute(read(MIGRATIONS.get(v - 1)));
                st.execute("INSERT INTO portless_schema_version (version) VALUES (" + v + ")");
                log.info("Store schema migrated to version {} ({})", v, MIGRATIONS.get(v - 1));
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Returns the schema version this edge expects. */
    static int latest() {
        return MIGRATIONS.size();
    }

    private static String read(String name) {
        try (InputStream in = StoreSchema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " (the edge's jar is incomplete)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }
}
