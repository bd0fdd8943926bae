package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.sshca.SshRule;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's configuration as it is now: the one {@link EdgeSnapshot} the request path reads, swapped
 * whole by a reload of edge.yml. Settings that only a restart can change are kept and named.
 */
final class LiveEdgeConfig {
    private static final Logger log = LoggerFactory.getLogger(LiveEdgeConfig.class);

    private final AtomicReference<EdgeSnapshot> current;

    LiveEdgeConfig(EdgeSnapshot first) {
        this.current = new AtomicReference<>(requireNonNull(first, "first"));
    }

    /** Returns the snapshot new requests and streams read. */
    EdgeSnapshot current() {
        return current.get();
    }

    /** Returns a read-only view of the current apps by hostname: each look-up sees the latest reload. */
    Map<String, AppRoute> apps() {
        return new LiveMap<>(() -> current.get().apps());
    }

    /** Returns a read-only view of the current SSH rules by hostname: each look-up sees the latest reload. */
    Map<String, SshRule> sshRules() {
        return new LiveMap<>(() -> current.get().sshRules());
    }

    /**
     * Reads {@code file} again and makes its apps, policies, service tokens, tunnels and TLS certificate the
     * ones new requests and streams see; open streams keep what they were admitted with. An invalid file, or a
     * certificate that cannot be read, changes nothing and its first mistake is logged with its line. Reads
     * files: call it off the event loops.
     *
     * @return whether the new settings took effect
     */
    boolean reload(Path file) {
        requireNonNull(file, "file");
        EdgeSnapshot fresh;
        try {
            fresh = EdgeSnapshot.of(EdgeConfig.load(file));
        } catch (RuntimeException e) {
            log.error("Reload refused, the running configuration stays: {}", e.getMessage());
            return false;
        }
        EdgeSnapshot old = current.getAndSet(fresh);
        List<String> kept = restartOnly(old.config(), fresh.config());
        if (!kept.isEmpty()) {
            log.warn(
                    "Reload kept the running {} of {}: these settings change only at a restart",
                    String.join(", ", kept),
                    file);
        }
        log.info(
                "Reloaded {}: {} app(s), {} tunnel(s), {} service token(s) and the certificate {} for new streams,"
                        + " requests and connections; open streams keep theirs",
                file,
                fresh.apps().size(),
                fresh.config().tunnels().size(),
                fresh.config().serviceTokens().size(),
                fresh.config().tlsCertificate());
        return true;
    }

    /** Returns the names of the settings that differ between {@code old} and {@code fresh} and need a restart. */
    static List<String> restartOnly(EdgeConfig old, EdgeConfig fresh) {
        List<String> names = new ArrayList<>();
        differs(names, "listen", old, fresh, EdgeConfig::listen);
        differs(names, "tunnel-listen", old, fresh, EdgeConfig::tunnelListen);
        differs(names, "issuer", old, fresh, EdgeConfig::issuer);
        differs(names, "state-dir", old, fresh, EdgeConfig::stateDir);
        differs(names, "identity-providers", old, fresh, EdgeConfig::identityProviders);
        differs(names, "browser-session-duration", old, fresh, EdgeConfig::browserSessionDuration);
        differs(names, "signing-key-rotation", old, fresh, EdgeConfig::signingKeyRotation);
        differs(names, "ssh-ca", old, fresh, EdgeConfig::sshCa);
        differs(names, "store", old, fresh, EdgeConfig::store);
        differs(names, "audit", old, fresh, EdgeConfig::audit);
        differs(names, "limits", old, fresh, EdgeConfig::limits);
        return names;
    }

    private static void differs(
            List<String> names, String name, EdgeConfig old, EdgeConfig fresh, Function<EdgeConfig, ?> setting) {
        if (!Objects.equals(setting.apply(old), setting.apply(fresh))) {
            names.add(name);
        }
    }

    /** A read-only map that reads through to whatever map its source supplies at each call. */
    private static final class LiveMap<K, V> extends AbstractMap<K, V> {
        private final Supplier<Map<K, V>> source;

        LiveMap(Supplier<Map<K, V>> source) {
            this.source = source;
        }

        @Override
        public V get(Object key) {
            return source.get().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return source.get().containsKey(key);
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return source.get().entrySet();
        }
    }
}
