package dev.portless.connector.run;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigException;
import dev.portless.common.config.ConfigNode;
import dev.portless.common.config.Durations;
import dev.portless.common.config.HostPort;
import dev.portless.common.wire.AppTokenClaims;
import dev.portless.connector.ingress.IngressRules;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of {@code connector run}, read from its YAML file:
 *
 * <pre>{@code
 * edge: edge.example.com:7844          # or edges: [a.example.com:7844, b.example.com:7844]
 * credentials-file: tunnel.json        # relative to this file; or PORTLESS_TUNNEL_TOKEN
 * edge-ca: edge-ca.pem                 # trust anchor for the edge's certificate
 * edge-server-name: edge.example.com   # when the certificate names another host than the dial host
 * ha-connections: 2                    # connections per edge, 1..16
 * edge-dial-timeout: 10s
 * retry: { initial: 500ms, max: 30s }
 * grace-period: 30s                    # how long SIGTERM waits for open streams
 * resume-detach-window: 10m            # how long a resumable stream's target waits for its client to come back
 * edge-dns-server: 10.0.0.2:53        # where the edges' names are looked up (default: the system's resolver)
 * edge-dns-refresh: 30s               # how often an edge name's addresses are looked up again
 * edge-issuer: https://edge.example.com   # the edge's public URL, the iss of app tokens (default: https://<edge host>)
 * edge-jwks-url: https://edge.example.com/.well-known/jwks.json   # default: <edge-issuer>/.well-known/jwks.json
 * ingress:
 *   - hostname: ssh.example.com
 *     service: ssh://10.0.0.5
 *   - service: http_status:404
 * }</pre>
 *
 * @param edges              the edges to dial, at least one
 * @param connectionsPerEdge how many tunnel connections to keep to each edge
 * @param credentialsFile    the tunnel credentials file, if the configuration names one
 * @param edgeCaFile         the PEM trust anchors for the edge's certificate, if not the system's
 * @param edgeServerName     the name to verify the edge's certificate against, when not the dial host
 * @param dialTimeout        how long TCP and TLS to an edge may take
 * @param retryInitial       the first reconnect backoff
 * @param retryMax           the largest reconnect backoff
 * @param gracePeriod        how long a draining connector waits for open streams
 * @param ingress            the ingress rules
 * @param edgeIssuer         the issuer the edge's app tokens must name
 * @param edgeJwksUrl        where the edge publishes the keys its app tokens are signed with
 * @param resumeDetachWindow how long a resumable stream whose client went away keeps its target open
 * @param edgeDnsServer      the DNS server that answers for the edges' names, if not the system's resolver
 * @param edgeDnsRefresh     how often the addresses of an edge's name are looked up again
 */
public record ConnectorConfig(
        List<EdgeAddress> edges,
        int connectionsPerEdge,
        Optional<Path> credentialsFile,
        Optional<Path> edgeCaFile,
        Optional<String> edgeServerName,
        Duration dialTimeout,
        Duration retryInitial,
        Duration retryMax,
        Duration gracePeriod,
        IngressRules ingress,
        URI edgeIssuer,
        URI edgeJwksUrl,
        Duration resumeDetachWindow,
        Optional<InetSocketAddress> edgeDnsServer,
        Duration edgeDnsRefresh) {

    private static final Set<String> KEYS = Set.of(
            "edge-dns-server",
            "edge-dns-refresh",
            "edge",
            "edges",
            "ha-connections",
            "credentials-file",
            "edge-ca",
            "edge-server-name",
            "edge-dial-timeout",
            "retry",
            "grace-period",
            "ingress",
            "edge-issuer",
            "edge-jwks-url",
            "resume-detach-window");
    private static final Set<String> RETRY_KEYS = Set.of("initial", "max");

    /** Validates the settings built in code. */
    public ConnectorConfig {
        edges = List.copyOf(requireNonNull(edges, "edges"));
        requireNonNull(credentialsFile, "credentialsFile");
        requireNonNull(edgeCaFile, "edgeCaFile");
        requireNonNull(edgeServerName, "edgeServerName");
        requireNonNull(dialTimeout, "dialTimeout");
        requireNonNull(retryInitial, "retryInitial");
        requireNonNull(retryMax, "retryMax");
        requireNonNull(gracePeriod, "gracePeriod");
        requireNonNull(ingress, "ingress");
        requireNonNull(edgeIssuer, "edgeIssuer");
        requireNonNull(edgeJwksUrl, "edgeJwksUrl");
        requireNonNull(resumeDetachWindow, "resumeDetachWindow");
        requireNonNull(edgeDnsServer, "edgeDnsServer");
        requireNonNull(edgeDnsRefresh, "edgeDnsRefresh");
        if (edges.isEmpty()) {
            throw new IllegalArgumentException("edges: empty (expected: at least one edge address)");
        }
        if (connectionsPerEdge < ConnectorLimits.MIN_CONNECTIONS_PER_EDGE
                || connectionsPerEdge > ConnectorLimits.MAX_CONNECTIONS_PER_EDGE) {
            throw new IllegalArgumentException("connectionsPerEdge: " + connectionsPerEdge + " (expected: "
                    + ConnectorLimits.MIN_CONNECTIONS_PER_EDGE + ".." + ConnectorLimits.MAX_CONNECTIONS_PER_EDGE + ")");
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("retryMax: " + Durations.format(retryMax)
                    + " (expected: >= retryInitial " + Durations.format(retryInitial) + ')');
        }
    }

    /** Returns settings built in code, the edge's issuer derived from the first edge's host. */
    public ConnectorConfig(
            List<EdgeAddress> edges,
            int connectionsPerEdge,
            Optional<Path> credentialsFile,
            Optional<Path> edgeCaFile,
            Optional<String> edgeServerName,
            Duration dialTimeout,
            Duration retryInitial,
            Duration retryMax,
            Duration gracePeriod,
            IngressRules ingress) {
        this(
                edges,
                connectionsPerEdge,
                credentialsFile,
                edgeCaFile,
                edgeServerName,
                dialTimeout,
                retryInitial,
                retryMax,
                gracePeriod,
                ingress,
                defaultIssuer(edges),
                jwksUrl(defaultIssuer(edges)),
                ConnectorLimits.RESUME_DETACH_WINDOW,
                Optional.empty(),
                ConnectorLimits.EDGE_DNS_REFRESH);
    }

    /**
     * Returns the settings in the YAML file {@code file}.
     *
     * @throws ConfigException naming the file, line and key of the first mistake
     */
    public static ConnectorConfig load(Path file) {
        return from(ConfigNode.load(requireNonNull(file, "file")));
    }

    /**
     * Returns the settings of an already read configuration.
     *
     * @throws ConfigException naming the file, line and key of the first mistake
     */
    public static ConnectorConfig from(ConfigNode root) {
        requireNonNull(root, "root");
        root.rejectUnknownKeys(KEYS);
        final List<EdgeAddress> edges = edges(root);
        final int connectionsPerEdge = root.intValue(
                "ha-connections",
                ConnectorLimits.CONNECTIONS_PER_EDGE,
                ConnectorLimits.MIN_CONNECTIONS_PER_EDGE,
                ConnectorLimits.MAX_CONNECTIONS_PER_EDGE);
        final Optional<Path> credentialsFile = root.optionalFile("credentials-file");
        final Optional<Path> edgeCaFile = root.optionalFile("edge-ca");
        final Optional<String> edgeServerName = root.optionalString("edge-server-name");
        edgeServerName.ifPresent(name -> {
            try {
                HostPort.checkHost(name);
            } catch (IllegalArgumentException e) {
                throw root.error("edge-server-name", e.getMessage());
            }
        });
        final Duration dialTimeout = root.duration(
                "edge-dial-timeout",
                ConnectorLimits.DIAL_TIMEOUT,
                ConnectorLimits.MIN_TIMEOUT,
                ConnectorLimits.MAX_DIAL_TIMEOUT);
        Duration retryInitial = ConnectorLimits.RETRY_INITIAL;
        Duration retryMax = ConnectorLimits.RETRY_MAX;
        final Optional<ConfigNode> retry = root.optionalChild("retry");
        if (retry.isPresent()) {
            final ConfigNode node = retry.get();
            node.rejectUnknownKeys(RETRY_KEYS);
            retryInitial = node.duration(
                    "initial", ConnectorLimits.RETRY_INITIAL, ConnectorLimits.MIN_TIMEOUT, ConnectorLimits.MAX_RETRY);
            retryMax = node.duration(
                    "max", ConnectorLimits.RETRY_MAX, ConnectorLimits.MIN_TIMEOUT, ConnectorLimits.MAX_RETRY);
            if (retryMax.compareTo(retryInitial) < 0) {
                throw node.error(
                        node.has("max") ? "max" : "initial",
                        "retry.max " + Durations.format(retryMax) + " is shorter than retry.initial "
                                + Durations.format(retryInitial) + " (make max at least as long as initial)");
            }
        }
        final Duration gracePeriod = root.duration(
                "grace-period", ConnectorLimits.GRACE_PERIOD, Duration.ZERO, ConnectorLimits.MAX_GRACE_PERIOD);
        final Duration detachWindow = root.duration(
                "resume-detach-window",
                ConnectorLimits.RESUME_DETACH_WINDOW,
                ConnectorLimits.MIN_TIMEOUT,
                ConnectorLimits.MAX_RESUME_DETACH_WINDOW);
        final Optional<InetSocketAddress> dnsServer = dnsServer(root);
        final Duration dnsRefresh = root.duration(
                "edge-dns-refresh",
                ConnectorLimits.EDGE_DNS_REFRESH,
                ConnectorLimits.MIN_EDGE_DNS_REFRESH,
                ConnectorLimits.MAX_EDGE_DNS_REFRESH);
        final IngressRules ingress = IngressRules.from(root);
        final URI issuer = root.has("edge-issuer") ? url(root, "edge-issuer", false) : defaultIssuer(edges);
        final URI jwks = root.has("edge-jwks-url") ? url(root, "edge-jwks-url", true) : jwksUrl(issuer);
        return new ConnectorConfig(
                edges,
                connectionsPerEdge,
                credentialsFile,
                edgeCaFile,
                edgeServerName,
                dialTimeout,
                retryInitial,
                retryMax,
                gracePeriod,
                ingress,
                issuer,
                jwks,
                detachWindow,
                dnsServer,
                dnsRefresh);
    }

    /** Returns {@code edge-dns-server}, an IP address and port: naming the DNS server by name would need DNS. */
    private static Optional<InetSocketAddress> dnsServer(ConfigNode root) {
        final Optional<String> text = root.optionalString("edge-dns-server");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        final HostPort server;
        try {
            server = HostPort.parse(text.get(), ConnectorLimits.DNS_PORT);
        } catch (IllegalArgumentException e) {
            throw root.error("edge-dns-server", e.getMessage());
        }
        final InetAddress ip = NetUtil.createInetAddressFromIpAddressString(server.host());
        if (ip == null) {
            throw root.error(
                    "edge-dns-server",
                    server.host() + " is not an IP address (write the DNS server as IP:port, e.g. 10.0.0.2:53)");
        }
        return Optional.of(new InetSocketAddress(ip, server.port()));
    }

    private static URI defaultIssuer(List<EdgeAddress> edges) {
        if (edges.isEmpty()) {
            return URI.create("https://localhost");
        }
        final String host = edges.get(0).host();
        return URI.create("https://" + (host.indexOf(':') >= 0 ? '[' + host + ']' : host.toLowerCase(Locale.ROOT)));
    }

    private static URI jwksUrl(URI issuer) {
        return URI.create(issuer + AppTokenClaims.JWKS_PATH);
    }

    /** Returns an https URL (http only on loopback); a path only when {@code pathAllowed}; no trailing slash. */
    private static URI url(ConfigNode root, String key, boolean pathAllowed) {
        final String text = root.requireString(key);
        final String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        final URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw root.error(key, '"' + text + "\" is not a URL (expected e.g. https://edge.example.com)");
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        final String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        final boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http") && loopback)) {
            throw root.error(
                    key,
                    '"' + text + "\" is not an https URL (expected e.g. https://edge.example.com; "
                            + "http only on 127.0.0.1, [::1] or localhost)");
        }
        final boolean hasPath = uri.getRawPath() != null && !uri.getRawPath().isEmpty();
        if (uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || hasPath && !pathAllowed) {
            throw root.error(
                    key,
                    '"' + text + "\" must be only scheme, host and port" + (pathAllowed ? ", and path" : "")
                            + " (e.g. https://edge.example.com:8443)");
        }
        return URI.create(
                scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT) + (hasPath ? uri.getRawPath() : ""));
    }

    private static List<EdgeAddress> edges(ConfigNode root) {
        if (root.has("edge") && root.has("edges")) {
            throw root.error("edges", "give either \"edge\" or \"edges\", not both (move the address into the list)");
        }
        if (root.has("edge")) {
            return List.of(edgeAddress(root, "edge", root.requireString("edge")));
        }
        if (!root.has("edges")) {
            throw root.error("missing required key \"edge\" (the edge's tunnel address, e.g. "
                    + "\"edge: edge.example.com:7844\", or \"edges\" with a list of them)");
        }
        final List<ConfigNode> items = root.list("edges");
        final List<EdgeAddress> edges = new ArrayList<>(items.size());
        final List<String> seen = new ArrayList<>(items.size());
        for (ConfigNode item : items) {
            final EdgeAddress edge = edgeAddress(item, null, item.asString());
            final String normalized = edge.toString().toLowerCase(Locale.ROOT);
            final int previous = seen.indexOf(normalized);
            if (previous >= 0) {
                throw item.error(
                        '"' + edge.toString() + "\" is listed twice, first as edges[" + previous + "] (remove one)");
            }
            seen.add(normalized);
            edges.add(edge);
        }
        if (edges.isEmpty()) {
            throw root.error(
                    "edges",
                    "the list is empty (expected: at least one edge address such as " + "edge.example.com:7844)");
        }
        return edges;
    }

    private static EdgeAddress edgeAddress(ConfigNode node, String key, String text) {
        try {
            return EdgeAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw key == null ? node.error(e.getMessage()) : node.error(key, e.getMessage());
        }
    }
}
