package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A service token for scripts and CI, as configured under {@code service-tokens}:
 *
 * <pre>{@code
 * - name: ci
 *   client-id: 3a8f0c2e.access
 *   secret-sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
 * }</pre>
 *
 * @param name         the token's name, which apps refer to
 * @param clientId     the id a client presents in {@code Access-Client-Id}
 * @param secretSha256 lower-case hex SHA-256 of the secret the client presents in {@code Access-Client-Secret}
 */
public record ServiceTokenEntry(String name, String clientId, String secretSha256) {

    private static final Set<String> KEYS = Set.of("name", "client-id", "secret-sha256");
    // Visible ASCII only: the id travels in an HTTP header and shows up in logs.
    private static final Pattern CLIENT_ID = Pattern.compile("[\\x21-\\x7e]{1,256}");

    /** Checks that no component is null. */
    public ServiceTokenEntry {
        requireNonNull(name, "name");
        requireNonNull(clientId, "clientId");
        requireNonNull(secretSha256, "secretSha256");
    }

    /** Returns the service token of one item of {@code service-tokens}. */
    static ServiceTokenEntry from(ConfigNode item) {
        item.rejectUnknownKeys(KEYS);
        final String name = ConfigNames.name(item, "name");
        final String clientId = item.requireString("client-id");
        if (!CLIENT_ID.matcher(clientId).matches()) {
            throw item.error(
                    "client-id",
                    "expected up to 256 visible ASCII characters without spaces " + "(it is sent in an HTTP header)");
        }
        return new ServiceTokenEntry(name, clientId, ConfigNames.sha256(item, "secret-sha256"));
    }
}
