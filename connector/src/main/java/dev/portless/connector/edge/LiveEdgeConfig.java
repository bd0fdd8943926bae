package dev.portless.connector.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import dev.portless.connector.edge.config.AppEntry;
import dev.portless.connector.edge.config.EdgeConfig;
import dev.portless.connector.edge.config.IdentityProviderEntry;
import dev.portless.connector.edge.config.ServiceTokenEntry;
import dev.portless.connector.edge.config.TunnelEntry;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.sshca.SshRule;
import dev.portless.connector.reload.ReloadOutcome;
import dev.portless.connector.reload.SettingChanges;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The edge's configuration as it is now: the one {@link EdgeSnapshot} the request path reads, swapped
 * whole by a reload of edge.yml, with the identity providers when they changed. Settings that only a restart can
 * change are kept and named.
 */
final class LiveEdgeConfig {
    // What the edge started with: the settings only a restart changes are compared with these, not with the
    // last reload's, so every reload names them until the restart.
    private final EdgeConfig started;
    private final AtomicReference<EdgeSnapshot> current;

    LiveEdgeConfig(EdgeSnapshot first) {
        this.current = new AtomicReference<>(requireNonNull(first, "first"));
        this.started = first.config();
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
     * ones new requests and streams see, and, when its identity providers changed, has {@code providers} make
     * them for new sign-ins; open streams keep what they were admitted with. An invalid file, a certificate that
     * cannot be read or a provider that cannot be made changes nothing and the outcome names its first mistake
     * with its line. Reads files and may call a provider: call it off the event loops.
     */
    synchronized ReloadOutcome reload(Path file, ProviderRebuild providers) {
        requireNonNull(file, "file");
        requireNonNull(providers, "providers");
        ConfigNode root;
        EdgeSnapshot fresh;
        try {
            root = ConfigNode.load(file);
            fresh = EdgeSnapshot.of(EdgeConfig.from(root));
        } catch (RuntimeException e) {
            return ReloadOutcome.refused(file, e.getMessage());
        }
        EdgeSnapshot old = current.get();
        List<IdentityProviderEntry> entries = fresh.config().identityProviders();
        Runnable newProviders = () -> {};
        if (!entries.equals(old.config().identityProviders())) {
            try {
                newProviders = providers.prepare(entries);
            } catch (ProviderRefusal e) {
                return ReloadOutcome.refused(file, e.at(root));
            }
        }
        current.set(fresh);
        newProviders.run();
        return ReloadOutcome.applied(
                file,
                "Reloaded " + file + ": " + fresh.apps().size() + " app(s), "
                        + fresh.config().tunnels().size() + " tunnel(s), "
                        + fresh.config().serviceTokens().size() + " service token(s), "
                        + entries.size() + " identity provider(s) and the certificate "
                        + fresh.config().tlsCertificate()
                        + " for new streams, requests, sign-ins and connections; open streams keep theirs",
                changes(old.config(), fresh.config()),
                restartOnly(started, fresh.config()));
    }

    /** Returns what a reload from {@code old} to {@code fresh} changes for new streams. */
    private static List<String> changes(EdgeConfig old, EdgeConfig fresh) {
        return new SettingChanges()
                .entries("apps", byName(old.apps(), AppEntry::hostname), byName(fresh.apps(), AppEntry::hostname))
                .entries(
                        "tunnels", byName(old.tunnels(), TunnelEntry::name), byName(fresh.tunnels(), TunnelEntry::name))
                .entries(
                        "service tokens",
                        byName(old.serviceTokens(), ServiceTokenEntry::name),
                        byName(fresh.serviceTokens(), ServiceTokenEntry::name))
                .entries(
                        "identity-providers",
                        byName(old.identityProviders(), IdentityProviderEntry::name),
                        byName(fresh.identityProviders(), IdentityProviderEntry::name))
                .setting(
                        "tls",
                        List.of(old.tlsCertificate(), old.tlsKey()),
                        List.of(fresh.tlsCertificate(), fresh.tlsKey()))
                .described();
    }

    private static <T> Map<String, T> byName(List<T> entries, Function<T, String> name) {
        return entries.stream().collect(Collectors.toMap(name, Function.identity(), (first, second) -> second));
    }

    /**
     * Returns the names of the settings that differ between the running {@code old} and {@code fresh} and change
     * only at a restart.
     */
    private static List<String> restartOnly(EdgeConfig old, EdgeConfig fresh) {
        return new SettingChanges()
                .setting("listen", old.listen(), fresh.listen())
                .setting("tunnel-listen", old.tunnelListen(), fresh.tunnelListen())
                .setting("issuer", old.issuer(), fresh.issuer())
                .setting("state-dir", old.stateDir(), fresh.stateDir())
                .setting("browser-session-duration", old.browserSessionDuration(), fresh.browserSessionDuration())
                .setting("signing-key-rotation", old.signingKeyRotation(), fresh.signingKeyRotation())
                .setting("ssh-ca", old.sshCa(), fresh.sshCa())
                .setting("store", old.store(), fresh.store())
                .setting("audit", old.audit(), fresh.audit())
                .setting("limits", old.limits(), fresh.limits())
                .names();
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
