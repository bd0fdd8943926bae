package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.config.HostPort;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.streams.StreamTimeouts;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of {@code connector edge}, read from its YAML file:
 *
 * <pre>{@code
 * listen: 0.0.0.0:443             # where clients connect (TLS, WebSocket)
 * tunnel-listen: 0.0.0.0:7844     # where connectors connect
 * tls:
 *   certificate: tls/edge.crt     # PEM, relative to this file
 *   key: tls/edge.key
 * tunnels:
 *   - name: office
 *     id: 6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10
 *     secret-sha256: 9f86d0...
 * service-tokens:
 *   - name: ci
 *     client-id: 3a8f0c2e.access
 *     secret-sha256: 2c26b4...
 * issuer: https://edge.example.com    # the edge's public URL; sign-in pages and app tokens name it
 * state-dir: state                     # signing keys (0700); default: "state" next to this file
 * browser-session-duration: 24h        # how long a browser stays signed in at the edge
 * signing-key-rotation: 720h           # a new app-token signing key after this long
 * store:                               # shared by several edges; see StoreSettings
 *   jdbc-url: jdbc:postgresql://db:5432/portless
 *   user: portless
 *   password-file: db-password
 * audit:                               # see AuditSettings
 *   file: audit.jsonl
 * limits:                              # client flood limits; see ClientLimitsReader
 *   web-requests-per-client: 1024
 * ssh-ca:                              # see SshCaSettings
 *   key-file: state/ssh-ca
 *   certificate-lifetime: 5m
 * identity-providers:
 *   - name: email
 *     type: pin
 *     outbox: outbox                   # or smtp: {...}; see PinProviderEntry
 *   - name: keycloak
 *     type: oidc                       # see OidcProviderEntry
 *     issuer: https://sso.example.com/realms/acme
 *     client-id: portless
 *     client-secret-file: keycloak-secret
 * apps:
 *   - hostname: ssh.example.com
 *     tunnel: office
 *     service-tokens: [ci]
 *     session-duration: 8h
 *     ssh: {principals: email-local-part, permissions: [pty]}   # see SshRuleReader
 *     policy:
 *       include:
 *         - email-domains: [example.com]
 * }</pre>
 *
 * <p>Any other key is a mistake.
 *
 * @param listen         the client listener's address
 * @param tunnelListen   the connector listener's address
 * @param tlsCertificate the PEM certificate chain both listeners present
 * @param tlsKey         the PEM private key of that certificate
 * @param tunnels        the tunnels, names and ids unique
 * @param serviceTokens  the service tokens, names and client ids unique
 * @param apps           the apps, hostnames unique, each naming a configured tunnel and service tokens
 * @param issuer         the edge's public URL (scheme, host, port), the {@code iss} of its app tokens
 * @param stateDir       where the edge keeps its signing keys
 * @param identityProviders the identity providers people sign in with, names unique
 * @param browserSessionDuration how long a browser stays signed in at the edge
 * @param signingKeyRotation how long one key signs app tokens before a new one takes over
 * @param sshCa          the SSH certificate authority's settings
 * @param store          the database several edges share, if any; else the edge keeps sign-in state in memory
 * @param audit          where the audit log goes, if anywhere
 * @param limits         the edge's limits, with the client flood limits {@code limits} sets
 */
public record EdgeConfig(
        InetSocketAddress listen,
        InetSocketAddress tunnelListen,
        Path tlsCertificate,
        Path tlsKey,
        List<TunnelEntry> tunnels,
        List<ServiceTokenEntry> serviceTokens,
        List<AppEntry> apps,
        URI issuer,
        Path stateDir,
        List<IdentityProviderEntry> identityProviders,
        Duration browserSessionDuration,
        Duration signingKeyRotation,
        SshCaSettings sshCa,
        Optional<StoreSettings> store,
        AuditSettings audit,
        EdgeLimits limits) {

    /** The client listener's address when {@code listen} is absent. */
    public static final String DEFAULT_LISTEN = "0.0.0.0:443";
    /** The connector listener's address when {@code tunnel-listen} is absent. */
    public static final String DEFAULT_TUNNEL_LISTEN = "0.0.0.0:7844";

    /** The browser session at the edge when {@code browser-session-duration} is absent. */
    public static final Duration DEFAULT_BROWSER_SESSION = Duration.ofHours(24);
    /** The signing key rotation period when {@code signing-key-rotation} is absent. */
    public static final Duration DEFAULT_KEY_ROTATION = Duration.ofDays(30);
    /** The state directory, relative to the configuration file, when {@code state-dir} is absent. */
    public static final String DEFAULT_STATE_DIR = "state";

    private static final Set<String> KEYS = Set.of(
            "listen",
            "tunnel-listen",
            "tls",
            "tunnels",
            "service-tokens",
            "apps",
            "issuer",
            "state-dir",
            "identity-providers",
            "browser-session-duration",
            "signing-key-rotation",
            "ssh-ca",
            "store",
            "audit",
            "limits");
    private static final Set<String> TLS_KEYS = Set.of("certificate", "key");
    private static final Set<String> APP_KEYS = Set.of(
            "hostname",
            "tunnel",
            "service-tokens",
            "policy",
            "session-duration",
            "ssh",
            "max-stream-duration",
            "idle-timeout");
    private static final Duration MIN_SESSION = Duration.ofMinutes(1);
    private static final Duration MAX_SESSION = Duration.ofDays(30);

    /** Checks that no component is null and copies the lists. */
    public EdgeConfig {
        requireNonNull(listen, "listen");
        requireNonNull(tunnelListen, "tunnelListen");
        requireNonNull(tlsCertificate, "tlsCertificate");
        requireNonNull(tlsKey, "tlsKey");
        tunnels = List.copyOf(requireNonNull(tunnels, "tunnels"));
        serviceTokens = List.copyOf(requireNonNull(serviceTokens, "serviceTokens"));
        apps = List.copyOf(requireNonNull(apps, "apps"));
        requireNonNull(issuer, "issuer");
        requireNonNull(stateDir, "stateDir");
        identityProviders = List.copyOf(requireNonNull(identityProviders, "identityProviders"));
        requireNonNull(browserSessionDuration, "browserSessionDuration");
        requireNonNull(signingKeyRotation, "signingKeyRotation");
        requireNonNull(sshCa, "sshCa");
        requireNonNull(store, "store");
        requireNonNull(audit, "audit");
        requireNonNull(limits, "limits");
    }

    /** Returns the longest app token lifetime of any app, at least the default: how long a retired key stays published. */
    public Duration longestAppSession() {
        return apps.stream()
                .map(AppEntry::sessionDuration)
                .max(Duration::compareTo)
                .orElse(AppRoute.DEFAULT_SESSION_DURATION);
    }

    /**
     * Returns the settings in the YAML file {@code file}.
     *
     * @throws ConfigException naming the file, line and key of the first mistake
     */
    public static EdgeConfig load(Path file) {
        return from(ConfigNode.load(requireNonNull(file, "file")));
    }

    /**
     * Returns the settings of an already read configuration.
     *
     * @throws ConfigException naming the file, line and key of the first mistake
     */
    public static EdgeConfig from(ConfigNode root) {
        requireNonNull(root, "root");
        root.rejectUnknownKeys(KEYS);
        final InetSocketAddress listen = socketAddress(root, "listen", DEFAULT_LISTEN);
        final InetSocketAddress tunnelListen = socketAddress(root, "tunnel-listen", DEFAULT_TUNNEL_LISTEN);
        final ConfigNode tls = root.child("tls");
        tls.rejectUnknownKeys(TLS_KEYS);
        final Path certificate = tls.requireFile("certificate");
        final Path key = tls.requireFile("key");
        final List<TunnelEntry> tunnels = tunnels(root);
        final List<ServiceTokenEntry> serviceTokens = serviceTokens(root);
        final List<AppEntry> apps = apps(root, tunnels, serviceTokens);
        final List<IdentityProviderEntry> providers = IdentityProvidersReader.read(root);
        final URI issuer;
        if (root.has("issuer")) {
            issuer = ConfigUrls.httpsUrl(root, "issuer", false);
        } else if (!providers.isEmpty()) {
            throw root.error(
                    "identity-providers",
                    "sign-in needs the edge's public URL: set \"issuer\" (e.g. " + "issuer: https://edge.example.com)");
        } else {
            issuer = defaultIssuer(listen);
        }
        final Path stateDir =
                root.optionalPath("state-dir").orElse(root.baseDir().resolve(DEFAULT_STATE_DIR));
        final Duration browserSession =
                root.duration("browser-session-duration", DEFAULT_BROWSER_SESSION, MIN_SESSION, MAX_SESSION);
        final Duration rotation =
                root.duration("signing-key-rotation", DEFAULT_KEY_ROTATION, Duration.ofHours(1), Duration.ofDays(365));
        return new EdgeConfig(
                listen,
                tunnelListen,
                certificate,
                key,
                tunnels,
                serviceTokens,
                apps,
                issuer,
                stateDir,
                providers,
                browserSession,
                rotation,
                SshCaSettings.read(root, stateDir),
                StoreSettings.read(root),
                AuditSettings.read(root),
                ClientLimitsReader.read(root));
    }

    /** Returns {@code https://host[:port]} of the listener, {@code localhost} standing in for a wildcard address. */
    static URI defaultIssuer(InetSocketAddress listen) {
        final String host = listen.getAddress().isAnyLocalAddress()
                ? "localhost"
                : listen.getAddress() instanceof Inet6Address
                        ? '[' + listen.getAddress().getHostAddress() + ']'
                        : listen.getAddress().getHostAddress();
        return URI.create("https://" + host + (listen.getPort() == 443 ? "" : ":" + listen.getPort()));
    }

    private static InetSocketAddress socketAddress(ConfigNode root, String key, String dflt) {
        final String text = root.optionalString(key).orElse(dflt);
        final HostPort hostPort;
        try {
            hostPort = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw root.error(key, e.getMessage());
        }
        // Literals resolve without DNS; a name is looked up once, here at start-up.
        final InetSocketAddress address = new InetSocketAddress(hostPort.host(), hostPort.port());
        if (address.isUnresolved()) {
            throw root.error(
                    key,
                    "cannot resolve \"" + hostPort.host() + "\" on this machine (use an IP address "
                            + "such as 0.0.0.0, or a name this machine resolves)");
        }
        return address;
    }

    private static List<TunnelEntry> tunnels(ConfigNode root) {
        final ConfigNames names = new ConfigNames("tunnel name");
        final ConfigNames ids = new ConfigNames("tunnel id");
        final List<TunnelEntry> tunnels = new ArrayList<>();
        for (ConfigNode item : root.list("tunnels")) {
            final TunnelEntry tunnel = TunnelEntry.from(item);
            names.requireUnique(item, "name", tunnel.name());
            ids.requireUnique(item, "id", tunnel.id().toString());
            tunnels.add(tunnel);
        }
        return tunnels;
    }

    private static List<ServiceTokenEntry> serviceTokens(ConfigNode root) {
        final ConfigNames names = new ConfigNames("service token name");
        final ConfigNames clientIds = new ConfigNames("client id");
        final List<ServiceTokenEntry> tokens = new ArrayList<>();
        for (ConfigNode item : root.list("service-tokens")) {
            final ServiceTokenEntry token = ServiceTokenEntry.from(item);
            names.requireUnique(item, "name", token.name());
            clientIds.requireUnique(item, "client-id", token.clientId());
            tokens.add(token);
        }
        return tokens;
    }

    private static List<AppEntry> apps(
            ConfigNode root, List<TunnelEntry> tunnels, List<ServiceTokenEntry> serviceTokens) {
        final Set<String> tunnelNames = new TreeSet<>();
        tunnels.forEach(t -> tunnelNames.add(t.name()));
        final Set<String> tokenNames = new TreeSet<>();
        serviceTokens.forEach(t -> tokenNames.add(t.name()));
        final ConfigNames hostnames = new ConfigNames("app hostname");
        final PolicyReader policies = new PolicyReader(tokenNames);
        final List<AppEntry> apps = new ArrayList<>();
        for (ConfigNode item : root.list("apps")) {
            item.rejectUnknownKeys(APP_KEYS);
            final String hostname = ConfigNames.hostname(item, "hostname");
            hostnames.requireUnique(item, "hostname", hostname);
            final String tunnel = item.requireString("tunnel");
            if (!tunnelNames.contains(tunnel)) {
                throw item.error("tunnel", unknownReference("tunnel", tunnel, tunnelNames, "tunnels"));
            }
            final Set<String> tokens = new LinkedHashSet<>();
            for (ConfigNode tokenItem : item.list("service-tokens")) {
                final String token = tokenItem.asString();
                if (!tokenNames.contains(token)) {
                    throw tokenItem.error(unknownReference("service token", token, tokenNames, "service-tokens"));
                }
                if (!tokens.add(token)) {
                    throw tokenItem.error("service token \"" + token + "\" is listed twice (remove one)");
                }
            }
            final Duration session =
                    item.duration("session-duration", AppRoute.DEFAULT_SESSION_DURATION, MIN_SESSION, MAX_SESSION);
            // Absent means no limit: Portless cuts no stream for its age or silence unless asked to.
            final StreamTimeouts timeouts = new StreamTimeouts(
                    item.duration(
                            "max-stream-duration",
                            Duration.ZERO,
                            EdgeLimits.MIN_STREAM_TIMEOUT,
                            EdgeLimits.MAX_STREAM_TIMEOUT),
                    item.duration(
                            "idle-timeout",
                            Duration.ZERO,
                            EdgeLimits.MIN_STREAM_TIMEOUT,
                            EdgeLimits.MAX_STREAM_TIMEOUT));
            apps.add(new AppEntry(
                    hostname,
                    tunnel,
                    List.copyOf(tokens),
                    policies.read(item),
                    session,
                    SshRuleReader.read(item),
                    timeouts));
        }
        return apps;
    }

    private static String unknownReference(String what, String name, Set<String> known, String section) {
        if (known.isEmpty()) {
            return "unknown " + what + " \"" + name + "\" (define it under \"" + section + "\" first)";
        }
        return "unknown " + what + " \"" + name + "\" (expected one of: " + String.join(", ", known) + ')';
    }
}
