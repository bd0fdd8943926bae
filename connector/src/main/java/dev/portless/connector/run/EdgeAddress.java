package dev.portless.connector.run;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;

/**
 * The tunnel address of one edge the connector dials, e.g. {@code edge.example.com:7844} or
 * {@code [2001:db8::1]:7844}.
 *
 * @param host a DNS name, an IPv4 literal or an IPv6 literal without brackets
 * @param port 1..65535
 */
public record EdgeAddress(String host, int port) {

    /** Validates the host and port. */
    public EdgeAddress {
        requireNonNull(host, "host");
        // Validates both, with the same sentences as parsing.
        HostPort.checkHost(host);
        HostPort.checkPort(port);
    }

    /**
     * Returns the address of {@code text} in the form {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static EdgeAddress parse(String text) {
        final HostPort hostPort = HostPort.parse(requireNonNull(text, "text"));
        return new EdgeAddress(hostPort.host(), hostPort.port());
    }

    /** Returns {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
        return new HostPort(host, port).toString();
    }
}
