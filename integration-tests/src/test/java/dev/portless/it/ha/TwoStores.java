package dev.portless.it.ha;

import dev.portless.connector.edge.config.StoreSettings;
import dev.portless.connector.edge.store.PostgresEdgeStore;
import dev.portless.it.peers.Postgres;
import java.time.Duration;
import java.util.Optional;

/**
 * Two edges' stores on one real PostgreSQL database, each with its own pool as two edge processes have; the
 * second finds the schema in place, so its migration is a no-op.
 */
final class TwoStores implements AutoCloseable {
    final Postgres postgres;
    final PostgresEdgeStore a;
    final PostgresEdgeStore b;

    private TwoStores(Postgres postgres, PostgresEdgeStore a, PostgresEdgeStore b) {
        this.postgres = postgres;
        this.a = a;
        this.b = b;
    }

    /** Starts PostgreSQL and opens both stores on it. */
    static TwoStores start() {
        Postgres postgres = Postgres.start();
        try {
            PostgresEdgeStore a = PostgresEdgeStore.open(settings(postgres));
            return new TwoStores(postgres, a, PostgresEdgeStore.open(settings(postgres)));
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /** Returns the settings of a store on {@code postgres}, as an edge.yml naming it would give. */
    static StoreSettings settings(Postgres postgres) {
        return new StoreSettings(
                postgres.jdbcUrl(),
                "postgres",
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                4);
    }

    @Override
    public void close() {
        a.close();
        b.close();
        postgres.close();
    }
}
