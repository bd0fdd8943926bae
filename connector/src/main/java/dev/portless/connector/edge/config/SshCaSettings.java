package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The settings of the edge's SSH certificate authority, under {@code ssh-ca}:
 *
 * <pre>{@code
 * ssh-ca:
 *   key-file: state/ssh-ca          # default: <state-dir>/ssh-ca; created when missing
 *   certificate-lifetime: 5m        # default 5m; never longer than the app token
 * }</pre>
 *
 * @param keyFile             the CA's private key file (OpenSSH format, 0600)
 * @param certificateLifetime how long an issued certificate lives
 */
public record SshCaSettings(Path keyFile, Duration certificateLifetime) {
    /** The certificate lifetime when {@code certificate-lifetime} is absent. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    /** The CA key file name inside the state directory when {@code key-file} is absent. */
    public static final String DEFAULT_KEY_FILE = "ssh-ca";

    private static final Set<String> KEYS = Set.of("key-file", "certificate-lifetime");

    /** Checks that no component is null. */
    public SshCaSettings {
        requireNonNull(keyFile, "keyFile");
        requireNonNull(certificateLifetime, "certificateLifetime");
    }

    /** Returns the defaults for an edge whose state lives in {@code stateDir}. */
    public static SshCaSettings defaults(Path stateDir) {
        return new SshCaSettings(stateDir.resolve(DEFAULT_KEY_FILE), DEFAULT_LIFETIME);
    }

    /** Returns the {@code ssh-ca} section of {@code root}, or the defaults when absent. */
    static SshCaSettings read(ConfigNode root, Path stateDir) {
        return root.optionalChild("ssh-ca")
                .map(node -> {
                    node.rejectUnknownKeys(KEYS);
                    Path key = node.optionalPath("key-file").orElse(stateDir.resolve(DEFAULT_KEY_FILE));
                    Duration lifetime = node.duration(
                            "certificate-lifetime", DEFAULT_LIFETIME, Duration.ofMinutes(1), Duration.ofHours(24));
                    return new SshCaSettings(key, lifetime);
                })
                .orElseGet(() -> defaults(stateDir));
    }
}
