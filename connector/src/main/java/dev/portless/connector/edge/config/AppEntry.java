package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Returns an app the edge serves, as configured under {@code apps}:
 *
 * <pre>{@code
 * - hostname: ssh.example.com
 *   tunnel: office
 *   service-tokens: [ci]
 * }</pre>
 *
 * @param hostname      the exact app hostname, lower case, without a trailing dot
 * @param tunnel        the name of the tunnel whose connectors serve the app
 * @param serviceTokens the names of the service tokens allowed to reach the app
 */
public record AppEntry(String hostname, String tunnel, List<String> serviceTokens) {

    /** Checks that no component is null and copies the token names. */
    public AppEntry {
        requireNonNull(hostname, "hostname");
        requireNonNull(tunnel, "tunnel");
        serviceTokens = List.copyOf(requireNonNull(serviceTokens, "serviceTokens"));
    }
}
