package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How the connector talks to a rule's web origin: the {@code origin-request:} block of a rule, named
 * as cloudflared's {@code originRequest} in kebab-case.
 *
 * @param connectTimeout       {@code connect-timeout}: the TCP (or unix socket) connect
 * @param tlsTimeout           {@code tls-timeout}: the TLS handshake after it
 * @param noTlsVerify          {@code no-tls-verify}: accept any certificate the origin shows
 * @param caPool               {@code ca-pool}: PEM certificates the origin's certificate must chain to,
 *                             instead of the system's trust store
 * @param originServerName     {@code origin-server-name}: the name sent in SNI and checked in the
 *                             certificate, instead of the origin's host
 * @param httpHostHeader       {@code http-host-header}: the Host the origin sees, instead of the app hostname
 * @param keepAliveConnections {@code keep-alive-connections}: idle connections kept per origin
 * @param keepAliveTimeout     {@code keep-alive-timeout}: how long an idle connection is kept
 * @param http2Origin          {@code http2-origin}: speak HTTP/2 to an https origin that selects {@code h2}
 */
public record OriginRequest(
        Duration connectTimeout,
        Duration tlsTimeout,
        boolean noTlsVerify,
        Optional<Path> caPool,
        Optional<String> originServerName,
        Optional<String> httpHostHeader,
        int keepAliveConnections,
        Duration keepAliveTimeout,
        boolean http2Origin) {

    /** The settings of a rule without an {@code origin-request:} block. */
    public static final OriginRequest DEFAULTS = new OriginRequest(
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            100,
            Duration.ofSeconds(90),
            false);

    static final String KEY = "origin-request";

    private static final Set<String> KEYS = Set.of(
            "connect-timeout",
            "tls-timeout",
            "no-tls-verify",
            "ca-pool",
            "origin-server-name",
            "http-host-header",
            "keep-alive-connections",
            "keep-alive-timeout",
            "http2-origin");
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MAX_KEEP_ALIVE = Duration.ofHours(1);
    private static final int MAX_IDLE_CONNECTIONS = 10_000;

    /** Checks that nothing is null. */
    public OriginRequest {
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(tlsTimeout, "tlsTimeout");
        requireNonNull(caPool, "caPool");
        requireNonNull(originServerName, "originServerName");
        requireNonNull(httpHostHeader, "httpHostHeader");
        requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        if (keepAliveConnections < 0) {
            throw new IllegalArgumentException("keepAliveConnections: " + keepAliveConnections + " (expected: >= 0)");
        }
    }

    /**
     * Returns the {@code origin-request:} block of {@code rule}, whose service is {@code service}, or the
     * defaults when it has none.
     */
    static OriginRequest read(ConfigNode rule, Service service) {
        final Optional<ConfigNode> block = rule.optionalChild(KEY);
        if (block.isEmpty()) {
            return DEFAULTS;
        }
        final ConfigNode o = block.get();
        o.rejectUnknownKeys(KEYS);
        final Optional<Path> caPool = o.optionalFile("ca-pool");
        caPool.ifPresent(file -> checkPem(o, file));
        return new OriginRequest(
                o.duration("connect-timeout", DEFAULTS.connectTimeout, MIN_TIMEOUT, MAX_TIMEOUT),
                o.duration("tls-timeout", DEFAULTS.tlsTimeout, MIN_TIMEOUT, MAX_TIMEOUT),
                bool(o, "no-tls-verify"),
                caPool,
                o.optionalString("origin-server-name").map(name -> hostName(o, "origin-server-name", name)),
                o.optionalString("http-host-header").map(name -> hostName(o, "http-host-header", name)),
                o.intValue("keep-alive-connections", DEFAULTS.keepAliveConnections, 0, MAX_IDLE_CONNECTIONS),
                o.duration("keep-alive-timeout", DEFAULTS.keepAliveTimeout, MIN_TIMEOUT, MAX_KEEP_ALIVE),
                http2Origin(o, service));
    }

    /** Returns {@code http2-origin}, which only an https origin can honour: h2 is chosen in its TLS handshake. */
    private static boolean http2Origin(ConfigNode o, Service service) {
        boolean on = bool(o, "http2-origin");
        if (on && !(service instanceof OriginService origin && origin.scheme().equals("https"))) {
            throw o.error(
                    "http2-origin",
                    "needs an https origin, and " + service + " is not one (HTTP/2 is agreed in the TLS handshake; "
                            + "use https:// or remove the key)");
        }
        return on;
    }

    private static boolean bool(ConfigNode o, String key) {
        final String text = o.optionalString(key).orElse("false");
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw o.error(key, '"' + text + "\" is not a boolean (expected: true or false)");
        };
    }

    /** Returns {@code name} when it is a host name with an optional port, as a Host header or SNI may be. */
    private static String hostName(ConfigNode o, String key, String name) {
        if (!name.matches("[A-Za-z0-9._-]+(:[0-9]{1,5})?") || key.equals("origin-server-name") && name.contains(":")) {
            throw o.error(
                    key,
                    '"' + name + "\" is not a host name (expected: e.g. internal.example.com"
                            + (key.equals("http-host-header") ? " or internal.example.com:8080)" : ")"));
        }
        return name;
    }

    /** Refuses a CA pool that holds no PEM certificate, at start-up rather than at the first request. */
    private static void checkPem(ConfigNode o, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw o.error("ca-pool", file + " holds no certificate (expected: PEM certificates)");
            }
        } catch (IOException | CertificateException e) {
            throw o.error(
                    "ca-pool",
                    "cannot read certificates from " + file + " (" + e.getMessage() + "; use PEM certificates)");
        }
    }
}
