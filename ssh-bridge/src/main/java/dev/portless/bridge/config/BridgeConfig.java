package dev.portless.bridge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.auth.TrustedCaKeys;
import dev.portless.bridge.forward.DestinationRules;
import dev.portless.bridge.forward.Resolver;
import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bridge's settings from {@code bridge.yml}, checked at start-up so every mistake names the
 * file, the line and the key:
 *
 * <pre>{@code
 * listen: 127.0.0.1:2222
 * host-key: /var/lib/portless/bridge_host_ed25519
 * host-certificate: /etc/portless/bridge_host_ed25519-cert.pub   # optional
 * trusted-user-ca-keys: [/etc/portless/ssh_ca.pub]
 * audit-log: /var/log/portless/bridge-audit.jsonl
 * shell: false
 * allow-loopback: false
 * allow-link-local: false
 * policy:
 *   - principals: [alice]
 *     allow: [10.0.0.0/8:22, db.internal:5432]
 * }</pre>
 *
 * @param listen where the SSH listener binds; port 0 picks a free port
 * @param hostKey the host key file, created on first start
 * @param hostCertificate an OpenSSH host certificate of the host key, offered beside the plain key
 * @param trustedCaKeys the CA keys whose user certificates log in
 * @param auditLog the JSON-lines audit file
 * @param shell whether session channels (shell, exec) are served
 * @param policy where each principal may forward to
 */
public record BridgeConfig(
        ListenAddress listen,
        Path hostKey,
        Optional<Path> hostCertificate,
        TrustedCaKeys trustedCaKeys,
        Path auditLog,
        boolean shell,
        DestinationRules policy) {

    /** Where the bridge listens when {@code listen} is absent: loopback, for the connector in front of it. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:2222";

    private static final Set<String> KEYS = Set.of(
            "listen",
            "host-key",
            "host-certificate",
            "trusted-user-ca-keys",
            "audit-log",
            "shell",
            "allow-loopback",
            "allow-link-local",
            "policy");

    public BridgeConfig {
        requireNonNull(listen, "listen");
        requireNonNull(hostKey, "hostKey");
        requireNonNull(hostCertificate, "hostCertificate");
        requireNonNull(trustedCaKeys, "trustedCaKeys");
        requireNonNull(auditLog, "auditLog");
        requireNonNull(policy, "policy");
    }

    /**
     * Returns the configuration in {@code file}.
     *
     * @throws ConfigException naming the file, line and key of the first mistake
     */
    public static BridgeConfig load(Path file) {
        return from(ConfigNode.load(requireNonNull(file, "file")), Resolver.system());
    }

    /** Returns the configuration in the parsed document {@code root}, resolving policy names with {@code resolver}. */
    public static BridgeConfig from(ConfigNode root, Resolver resolver) {
        requireNonNull(root, "root");
        root.rejectUnknownKeys(KEYS);
        final ListenAddress listen;
        try {
            listen = ListenAddress.parse(root.optionalString("listen").orElse(DEFAULT_LISTEN));
        } catch (IllegalArgumentException e) {
            throw root.error("listen", e.getMessage());
        }
        final Path hostKey = root.requirePath("host-key");
        requireDirectory(root, "host-key", hostKey);
        final Optional<Path> hostCertificate = root.optionalString("host-certificate")
                .map(text -> root.baseDir().resolve(text).normalize());
        if (hostCertificate.isPresent() && !Files.isReadable(hostCertificate.get())) {
            throw root.error(
                    "host-certificate",
                    "cannot read " + hostCertificate.get() + " (check the path; relative paths start at the "
                            + "configuration file's directory)");
        }
        final Path auditLog = root.requirePath("audit-log");
        requireDirectory(root, "audit-log", auditLog);
        return new BridgeConfig(
                listen,
                hostKey,
                hostCertificate,
                trustedCaKeys(root),
                auditLog,
                root.booleanValue("shell", false),
                DestinationRules.from(
                        root,
                        root.booleanValue("allow-loopback", false),
                        root.booleanValue("allow-link-local", false),
                        resolver));
    }

    private static TrustedCaKeys trustedCaKeys(ConfigNode root) {
        final List<ConfigNode> items = root.list("trusted-user-ca-keys");
        if (items.isEmpty()) {
            throw root.error("missing required key \"trusted-user-ca-keys\" (a list of CA public key files, "
                    + "e.g. [ssh_ca.pub])");
        }
        final List<Path> files = new ArrayList<>();
        for (ConfigNode item : items) {
            final Path file = root.baseDir().resolve(item.asString()).normalize();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw item.error("cannot read the CA key file " + file + " (check the path; relative paths start "
                        + "at the configuration file's directory)");
            }
            files.add(file);
        }
        return TrustedCaKeys.load(files);
    }

    private static void requireDirectory(ConfigNode root, String key, Path file) {
        final Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw root.error(key, "the directory of " + file + " does not exist (create it first)");
        }
    }
}
