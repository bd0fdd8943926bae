package dev.portless.access.cli;

import dev.portless.access.edge.EdgeDialer;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.env.NamedFile;
import dev.portless.common.mux.MultiplexedHttp2;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.TlsContexts;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the edge is and how to reach it: the options every command that talks to an edge
 * shares.
 */
final class EdgeLocation {
    static final String EDGE_ENV = "PORTLESS_EDGE";
    static final String EDGE_CA_ENV = "PORTLESS_EDGE_CA";
    /** Set to {@code off} to carry every stream in its own WebSocket even when the edge multiplexes. */
    static final String MULTIPLEX_ENV = "PORTLESS_MULTIPLEX";

    @Option(
            names = "--edge",
            paramLabel = "URL",
            description = "the edge, https://host[:port] (env PORTLESS_EDGE; default: https://HOSTNAME)")
    String edge;

    @Option(
            names = "--edge-ca",
            paramLabel = "FILE",
            description = "PEM CA to trust for the edge's certificate (env PORTLESS_EDGE_CA; default: system trust)")
    Path edgeCa;

    @Option(
            names = "--connect-timeout",
            paramLabel = "SECONDS",
            defaultValue = "" + AccessLimits.CONNECT_TIMEOUT_SECONDS,
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

    /**
     * Returns the CA file named by --edge-ca or PORTLESS_EDGE_CA, checked here so that a mistake names
     * the flag or variable to fix.
     */
    Optional<Path> ca(Map<String, String> env) {
        Optional<NamedFile> ca = NamedFile.fromFlagOrVariable("--edge-ca", edgeCa, EDGE_CA_ENV, env);
        ca.ifPresent(file -> {
            if (!file.readString().contains("-----BEGIN CERTIFICATE-----")) {
                throw file.failure("the file holds no PEM certificate (expected: -----BEGIN CERTIFICATE-----)");
            }
        });
        return ca.map(NamedFile::path);
    }

    Duration connectTimeout() {
        if (connectTimeoutSeconds < AccessLimits.MIN_CONNECT_TIMEOUT_SECONDS
                || connectTimeoutSeconds > AccessLimits.MAX_CONNECT_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("--connect-timeout: " + connectTimeoutSeconds + " (expected: "
                    + AccessLimits.MIN_CONNECT_TIMEOUT_SECONDS + ".." + AccessLimits.MAX_CONNECT_TIMEOUT_SECONDS + ")");
        }
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    /**
     * Returns what makes two dialers of this location the same: the edge, its CA, the connect timeout and
     * whether streams are multiplexed.
     */
    String dialerKey(String hostname, Map<String, String> env) {
        return endpoint(hostname, env) + " "
                + ca(env).map(p -> p.toAbsolutePath().toString()).orElse("-") + " "
                + connectTimeout().toSeconds() + " " + env.getOrDefault(MULTIPLEX_ENV, "on");
    }

    EdgeDialer dialer(String hostname, Transport transport, Map<String, String> env) {
        return dialer(hostname, transport, env, AccessLimits.IDLE_CONNECTION_CLOSE);
    }

    /** Returns the dialer of {@link #dialer(String, Transport, Map)} whose idle connections close after {@code idle}. */
    EdgeDialer dialer(String hostname, Transport transport, Map<String, String> env, Duration idle) {
        SslContext webSocketTls = TlsContexts.client(ca(env), ApplicationProtocolNames.HTTP_1_1);
        if ("off".equalsIgnoreCase(env.getOrDefault(MULTIPLEX_ENV, "on"))) {
            return new EdgeDialer(
                    endpoint(hostname, env), webSocketTls, transport, connectTimeout(), AccessLimits.ANSWER_TIMEOUT);
        }
        SslContext multiplexTls = TlsContexts.client(ca(env), MultiplexedHttp2.ALPN, ApplicationProtocolNames.HTTP_1_1);
        return EdgeDialer.multiplexing(
                endpoint(hostname, env),
                multiplexTls,
                webSocketTls,
                transport,
                connectTimeout(),
                AccessLimits.ANSWER_TIMEOUT,
                idle);
    }
}
