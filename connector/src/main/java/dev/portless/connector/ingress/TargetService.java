package dev.portless.connector.ingress;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;
import java.util.Map;

/**
 * A TCP target the connector dials for a matching stream, e.g. {@code ssh://db.internal} or
 * {@code tcp://[::1]:5432}.
 *
 * @param scheme {@code tcp}, {@code ssh}, {@code rdp} or {@code smb}; only the default port depends on it
 * @param host   a DNS name, an IPv4 literal or an IPv6 literal without brackets
 * @param port   1..65535
 */
public record TargetService(String scheme, String host, int port) implements Service {

    /** The schemes and their default ports; {@code tcp} has none, so its port is required. */
    static final Map<String, Integer> DEFAULT_PORTS = Map.of("tcp", -1, "ssh", 22, "rdp", 3389, "smb", 445);

    /** Validates the scheme, host and port. */
    public TargetService {
        requireNonNull(scheme, "scheme");
        requireNonNull(host, "host");
        if (!DEFAULT_PORTS.containsKey(scheme)) {
            throw new IllegalArgumentException("scheme: " + scheme + " (expected: tcp, ssh, rdp, smb)");
        }
        // Validates both, with the same sentences as parsing.
        HostPort.checkHost(host);
        HostPort.checkPort(port);
    }

    /** Returns the target of {@code authority} ({@code host[:port]}) under {@code scheme}. */
    static TargetService parse(String scheme, String authority) {
        final String example = scheme + "://host" + (scheme.equals("tcp") ? ":port" : "[:port]");
        final HostPort hostPort = Authority.parse(scheme, authority, DEFAULT_PORTS.get(scheme), example, "");
        return new TargetService(scheme, hostPort.host(), hostPort.port());
    }

    /** Returns the address to dial, e.g. {@code [::1]:5432}. */
    public HostPort address() {
        return new HostPort(host, port);
    }

    /** Returns the service as written in a rule, with the port always shown. */
    @Override
    public String toString() {
        return scheme + "://" + address();
    }
}
