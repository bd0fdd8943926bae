package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A tunnel the edge accepts connectors for, as configured under {@code tunnels}:
 *
 * <pre>{@code
 * - name: office
 *   id: 6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10
 *   secret-sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * }</pre>
 *
 * @param name         the tunnel's name, which apps refer to
 * @param id           the tunnel id a connector presents
 * @param secretSha256 lower-case hex SHA-256 of the tunnel secret
 */
public record TunnelEntry(String name, UUID id, String secretSha256) {

    private static final Set<String> KEYS = Set.of("name", "id", "secret-sha256");
    // UUID.fromString accepts "1-2-3-4-5"; the configuration holds only the canonical form.
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Checks that no component is null. */
    public TunnelEntry {
        requireNonNull(name, "name");
        requireNonNull(id, "id");
        requireNonNull(secretSha256, "secretSha256");
    }

    /** Returns the tunnel of one item of {@code tunnels}. */
    static TunnelEntry from(ConfigNode item) {
        item.rejectUnknownKeys(KEYS);
        final String name = ConfigNames.name(item, "name");
        final String id = item.requireString("id");
        if (!UUID_FORM.matcher(id).matches()) {
            throw item.error(
                    "id",
                    '"' + id + "\" is not a tunnel id (expected: a UUID such as "
                            + "6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10, "
                            + "as printed by \"connector tunnel create\")");
        }
        final String secretSha256 = ConfigNames.sha256(item, "secret-sha256");
        return new TunnelEntry(name, UUID.fromString(id.toLowerCase(Locale.ROOT)), secretSha256);
    }
}
