package dev.portless.common.admin;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the admin listener binds. A loopback address unless remote access is asked for in so
 * many words: the metrics name apps and tunnels, and a Kubernetes probe needs the pod's address.
 */
public final class AdminAddress {
    private AdminAddress() {}

    /**
     * Returns the address {@code text} ({@code HOST:PORT} or {@code PORT} for 127.0.0.1) names,
     * checked against {@code allowRemote}; {@code option} names the flag in errors.
     *
     * @throws IllegalArgumentException when the text is malformed, does not resolve, or names a
     *     non-loopback address without {@code allowRemote}
     */
    public static InetSocketAddress parse(String option, String text, boolean allowRemote) {
        requireNonNull(option, "option");
        requireNonNull(text, "text");
        HostPort hp;
        try {
            hp = text.matches("\\d+") ? new HostPort("127.0.0.1", Integer.parseInt(text)) : HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    option + "=" + text + ": " + e.getMessage() + " (expected: HOST:PORT, e.g. 127.0.0.1:9464)", e);
        }
        InetAddress address;
        try {
            // Start-up, before any event loop runs: a blocking lookup is fine here.
            address = InetAddress.getByName(hp.host());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    option + "=" + text + ": the host does not resolve; use an IP address such as 127.0.0.1.", e);
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException(option + "=" + text + ": " + address.getHostAddress()
                    + " is not a loopback address; add --admin-allow-remote to expose health and metrics"
                    + " beyond this machine.");
        }
        return new InetSocketAddress(address, hp.port());
    }
}
