package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP origin the connector proxies web requests to: {@code http://host[:port]},
 * {@code https://host[:port]}, or HTTP over a unix socket, {@code unix:/path} and {@code unix+tls:/path}.
 *
 * @param scheme     {@code http}, {@code https}, {@code unix} or {@code unix+tls}
 * @param host       the host to dial for http and https; empty for a unix socket
 * @param port       1..65535 for http and https; 0 for a unix socket
 * @param socketPath the socket's absolute path for unix and unix+tls; empty otherwise
 */
public record OriginService(String scheme, String host, int port, Optional<Path> socketPath) implements WebService {

    /** The network schemes and their default ports. */
    static final Map<String, Integer> DEFAULT_PORTS = Map.of("http", 80, "https", 443);

    /** Validates the components against the scheme. */
    public OriginService {
        requireNonNull(scheme, "scheme");
        requireNonNull(host, "host");
        requireNonNull(socketPath, "socketPath");
        if (isUnixScheme(scheme)) {
            if (socketPath.isEmpty() || !socketPath.get().isAbsolute() || !host.isEmpty() || port != 0) {
                throw new IllegalArgumentException(
                        scheme + ": needs an absolute socket path and no host or port (expected: " + scheme
                                + ":/path/to/socket)");
            }
        } else if (DEFAULT_PORTS.containsKey(scheme)) {
            if (socketPath.isPresent()) {
                throw new IllegalArgumentException(scheme + ": a network origin has no socket path");
            }
            HostPort.checkHost(host);
            HostPort.checkPort(port);
        } else {
            throw new IllegalArgumentException("scheme: " + scheme + " (expected: http, https, unix, unix+tls)");
        }
    }

    /** Returns whether the connector speaks TLS to this origin. */
    public boolean tls() {
        return scheme.equals("https") || scheme.equals("unix+tls");
    }

    /** Returns whether the origin listens on a unix socket. */
    public boolean unix() {
        return socketPath.isPresent();
    }

    /** Returns the origin of {@code text} after {@code scheme:}, e.g. {@code //localhost:3000} or {@code /run/app.sock}. */
    static OriginService parse(String scheme, String rest) {
        if (isUnixScheme(scheme)) {
            if (!rest.startsWith("/") || rest.startsWith("//")) {
                throw new IllegalArgumentException('"' + scheme + ':' + rest
                        + "\" does not name an absolute socket path (expected: " + scheme + ":/path/to/socket)");
            }
            return new OriginService(scheme, "", 0, Optional.of(Path.of(rest)));
        }
        final String example = scheme + "://host[:port]";
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException(
                    '"' + scheme + ':' + rest + "\" lacks \"//\" after the scheme (expected: " + example + ')');
        }
        String authority = rest.substring(2);
        // A lone trailing slash (http://localhost:3000/) is how many people write an origin.
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        final HostPort hostPort = Authority.parse(
                scheme,
                authority,
                DEFAULT_PORTS.get(scheme),
                example,
                "; the request's own path is passed on unchanged");
        return new OriginService(scheme, hostPort.host(), hostPort.port(), Optional.empty());
    }

    static boolean isUnixScheme(String scheme) {
        return scheme.equals("unix") || scheme.equals("unix+tls");
    }

    /** Returns the service as written in a rule, with the port always shown. */
    @Override
    public String toString() {
        return socketPath.map(p -> scheme + ':' + p).orElseGet(() -> scheme + "://" + new HostPort(host, port));
    }
}
