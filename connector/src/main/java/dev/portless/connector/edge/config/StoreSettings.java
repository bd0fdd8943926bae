package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where the edge keeps the sign-in state several edges share, from {@code edge.yml}'s {@code store:}:
 *
 * <pre>{@code
 * store:
 *   jdbc-url: jdbc:postgresql://db.internal:5432/portless
 *   user: portless
 *   password-file: db-password        # or password-env: PORTLESS_STORE_PASSWORD
 *   connect-timeout: 3s
 *   query-timeout: 2s
 *   pool-size: 4
 * }</pre>
 *
 * <p>Without {@code store:} the edge keeps that state in its own memory.
 *
 * @param jdbcUrl        the PostgreSQL JDBC URL, without credentials
 * @param user           the database user
 * @param passwordFile   the file holding the password (its first line), if the password comes from a file
 * @param passwordEnv    the environment variable holding the password, if it comes from there
 * @param connectTimeout how long to wait for a connection
 * @param queryTimeout   how long one statement may take
 * @param poolSize       how many connections each edge keeps at most
 */
public record StoreSettings(
        String jdbcUrl,
        String user,
        Optional<Path> passwordFile,
        Optional<String> passwordEnv,
        Duration connectTimeout,
        Duration queryTimeout,
        int poolSize) {

    private static final Set<String> KEYS = Set.of(
            "jdbc-url", "user", "password-file", "password-env", "connect-timeout", "query-timeout", "pool-size");

    /** Checks that no component is null. */
    public StoreSettings {
        requireNonNull(jdbcUrl, "jdbcUrl");
        requireNonNull(user, "user");
        requireNonNull(passwordFile, "passwordFile");
        requireNonNull(passwordEnv, "passwordEnv");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(queryTimeout, "queryTimeout");
    }

    /** Returns the {@code store:} settings of {@code root}, if it has them. */
    static Optional<StoreSettings> read(ConfigNode root) {
        Optional<ConfigNode> node = root.optionalChild("store");
        if (node.isEmpty()) {
            return Optional.empty();
        }
        ConfigNode store = node.get();
        store.rejectUnknownKeys(KEYS);
        String url = store.requireString("jdbc-url");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw store.error("jdbc-url", "expected a PostgreSQL URL such as jdbc:postgresql://db:5432/portless");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains("password=") || lower.contains("@")) {
            throw store.error(
                    "jdbc-url",
                    "the URL must not carry credentials (it may be logged): set user and password-file or"
                            + " password-env instead");
        }
        Optional<Path> file = store.has("password-file")
                ? Optional.of(ConfigUrls.privateFile(store, "password-file"))
                : Optional.empty();
        Optional<String> env = store.optionalString("password-env");
        if (file.isPresent() && env.isPresent()) {
            throw store.error("password-env", "set password-file or password-env, not both");
        }
        return Optional.of(new StoreSettings(
                url,
                store.requireString("user"),
                file,
                env,
                store.duration("connect-timeout", Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofMinutes(1)),
                store.duration("query-timeout", Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                store.intValue("pool-size", 4, 1, 64)));
    }
}
