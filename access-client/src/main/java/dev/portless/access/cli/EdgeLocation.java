package dev.portless.access.cli;

import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Returns where the edge is and how to reach it: the options every command that talks to an edge
 * shares.
 */
final class EdgeLocation {
    static final String EDGE_ENV = "PORTLESS_EDGE";
    static final String EDGE_CA_ENV = "PORTLESS_EDGE_CA";

    @Option(names = "--edge", paramLabel = "URL",
            description = "the edge, https://host[:port] (env PORTLESS_EDGE; default: https://HOSTNAME)")
    String edge;

    @Option(names = "--edge-ca", paramLabel = "FILE",
            description = "PEM CA to trust for the edge's certificate (env PORTLESS_EDGE_CA; default: system trust)")
    Path edgeCa;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "how long to wait for the edge to accept a connection (default: ${DEFAULT-VALUE})")
    int connectTimeoutSeconds;

    /** Returns the edge for {@code hostname}: --edge, else PORTLESS_EDGE, else the app's own name. */
    EdgeEndpoint endpoint(String hostname, Map<String, String> env) {
        return EdgeEndpoint.parse(edge != null ? edge : env.getOrDefault(EDGE_ENV, "https://" + hostname));
    }

    /** Returns the edge named by --edge or PORTLESS_EDGE, if either is set. */
    Optional<EdgeEndpoint> explicitEndpoint(Map<String, String> env) {
        String text = edge != null ? edge : env.get(EDGE_ENV);
        return Optional.ofNullable(text).map(EdgeEndpoint::parse);
    }

    Optional<Path> ca(Map<String, String> env) {
        return Optional.ofNullable(edgeCa != null ? edgeCa
                : env.containsKey(EDGE_CA_ENV) ? Path.of(env.get(EDGE_CA_ENV)) : null);
    }

    Duration connectTimeout() {
        if (connectTimeoutSeconds < 1 || connectTimeoutSeconds > 300) {
            throw new IllegalArgumentException("--connect-timeout: " + connectTimeoutSeconds + " (expected: 1..300)");
        }
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    EdgeDialer dialer(String hostname, Transport transport, Map<String, String> env) {
        return new EdgeDialer(endpoint(hostname, env), TlsContexts.client(ca(env), "http/1.1"), transport,
                connectTimeout(), Duration.ofSeconds(90));
    }
}
