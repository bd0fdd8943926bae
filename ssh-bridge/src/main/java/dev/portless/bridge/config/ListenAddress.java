package dev.portless.bridge.config;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;

/**
 * The address the bridge listens on: {@code host:port} as in {@link HostPort}, except that port 0
 * is allowed and means "any free port" (the bridge prints the one it got).
 *
 * @param host a host name or IP literal to bind, without brackets
 * @param port 0..65535
 */
public record ListenAddress(String host, int port) {

    public ListenAddress {
        HostPort.checkHost(requireNonNull(host, "host"));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected: 0..65535)");
        }
    }

    /**
     * Returns the address {@code text} spells.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong
     */
    public static ListenAddress parse(String text) {
        requireNonNull(text, "text");
        // HostPort knows brackets and names but not port 0; borrow it with a stand-in port.
        if (text.endsWith(":0")) {
            return new ListenAddress(
                    HostPort.parse(text.substring(0, text.length() - 2) + ":1").host(), 0);
        }
        final HostPort parsed = HostPort.parse(text);
        return new ListenAddress(parsed.host(), parsed.port());
    }
}
