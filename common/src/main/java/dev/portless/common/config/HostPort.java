package dev.portless.common.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.IpLiterals;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A host and port as written in a configuration file: {@code db.internal:5432},
 * {@code 10.0.0.5:22} or {@code [::1]:7844}.
 *
 * <p>Parsing never touches DNS: names are checked for shape only, IPv6 literals are parsed as literals.
 *
 * @param host a DNS name, an IPv4 literal or an IPv6 literal without brackets
 * @param port 1..65535
 */
public record HostPort(String host, int port) {

    // Underscores are allowed because container and compose service names often carry them.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    /** Validates {@code host} and {@code port}. */
    public HostPort {
        checkHost(host);
        checkPort(port);
    }

    /**
     * Returns the host and port of {@code text}, which must name a port.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static HostPort parse(String text) {
        return parse(text, -1);
    }

    /**
     * Returns the host and port of {@code text}, using {@code defaultPort} when {@code text} names none;
     * a negative {@code defaultPort} makes the port required.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static HostPort parse(String text, int defaultPort) {
        requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty address (expected: host:port)");
        }
        final String host;
        final String portText;
        if (text.startsWith("[")) {
            final int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(
                        '"' + text + "\" has no closing ']' (expected: [ipv6]:port, e.g. [::1]:5432)");
            }
            host = text.substring(1, close);
            final String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                portText = null;
            } else if (rest.startsWith(":")) {
                portText = rest.substring(1);
            } else {
                throw new IllegalArgumentException(
                        '"' + text + "\" has unexpected text after ']' (expected: [ipv6]:port, e.g. [::1]:5432)");
            }
            if (!host.contains(":")) {
                throw new IllegalArgumentException(
                        '"' + text + "\": brackets are for IPv6 addresses only (write host:port without them)");
            }
        } else {
            final int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException(
                        '"' + text + "\": put IPv6 addresses in brackets (expected: [ipv6]:port, e.g. [::1]:5432)");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
        }
        final int port;
        if (portText == null) {
            if (defaultPort < 0) {
                throw new IllegalArgumentException('"' + text + "\" has no port (expected: host:port)");
            }
            port = defaultPort;
        } else {
            port = parsePort(portText);
        }
        return new HostPort(host, port);
    }

    /**
     * Checks that {@code host} is a DNS name, an IPv4 literal or an IPv6 literal without brackets.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static void checkHost(String host) {
        final String problem = hostProblem(requireNonNull(host, "host"));
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Returns {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + port;
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("port \"" + text + "\" is not a number (expected: 1..65535)");
        }
        final int port = Integer.parseInt(text);
        checkPort(port);
        return port;
    }

    /**
     * Checks that {@code port} is in 1..65535.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected: 1..65535)");
        }
    }

    /** Returns why {@code host} is not a valid host, or {@code null} when it is. */
    private static String hostProblem(String host) {
        if (host.isEmpty()) {
            return "empty host (expected: a host name or IP address)";
        }
        if (host.indexOf(':') >= 0 && IPV6_CHARS.matcher(host).matches()) {
            return isIpv6Literal(host) ? null : '"' + host + "\" is not a valid IPv6 address";
        }
        final String ambiguous = IpLiterals.ambiguousIpv4Problem(host);
        if (ambiguous != null) {
            return ambiguous;
        }
        final String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.length() > 253 || name.isEmpty()) {
            return '"' + host + "\" is not a valid host name";
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return '"' + host + "\" is not a valid host name (expected: letters, digits, '-' and '.')";
            }
        }
        return null;
    }

    private static boolean isIpv6Literal(String host) {
        // The text starts with a hex digit or ':' and holds a ':', so the JDK parses it as a literal
        // and never asks DNS.
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
