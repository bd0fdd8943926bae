package dev.portless.connector.edge.access;

import java.util.Set;

/**
 * Returns what the edge knows of one app: where its streams go and who may open them.
 *
 * @param hostname      the app's hostname, lower case
 * @param tunnel        the name of the tunnel whose connectors serve it
 * @param serviceTokens names of the service tokens allowed to reach it
 */
public record AppRoute(String hostname, String tunnel, Set<String> serviceTokens) {
    /** Returns a route with an unmodifiable token set. */
    public AppRoute {
        serviceTokens = Set.copyOf(serviceTokens);
    }
}
