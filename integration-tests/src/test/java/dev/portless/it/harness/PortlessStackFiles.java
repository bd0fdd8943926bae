package dev.portless.it.harness;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The files a {@link PortlessStack}'s programs read, written from what its builder asked for: the private CA and
 * the edge's certificate, the tunnel's credentials, the service token's secret, edge.yml and connector.yml.
 */
final class PortlessStackFiles {
    static final String EDGE_CONFIG = "edge.yml";
    static final String CONNECTOR_CONFIG = "connector.yml";
    static final String SECRET_FILE = "service-token-secret";

    private final Path dir;
    private final int edgePort;
    private final int tunnelPort;
    private final String edgeUrl;
    private final PortlessStack.Builder b;

    private PortlessStackFiles(Path dir, int edgePort, int tunnelPort, String edgeUrl, PortlessStack.Builder b) {
        this.dir = dir;
        this.edgePort = edgePort;
        this.tunnelPort = tunnelPort;
        this.edgeUrl = edgeUrl;
        this.b = b;
    }

    /**
     * Writes the files of a stack whose edge listens on {@code edgePort} and {@code tunnelPort} into {@code dir}
     * and returns its service tokens (the first one's secret is in {@link #SECRET_FILE}).
     */
    static ServiceTokens write(Path dir, int edgePort, int tunnelPort, String edgeUrl, PortlessStack.Builder b)
            throws IOException {
        return new PortlessStackFiles(dir, edgePort, tunnelPort, edgeUrl, b).write();
    }

    private ServiceTokens write() throws IOException {
        // The apps' names too: browsers and curl reach web apps at https://<app>.portless.test:<edge port>.
        DemoCertificates.write(
                dir, List.of("localhost", "edge.portless.test", "*.portless.test"), List.of("127.0.0.1"));
        TunnelCredentials tunnel = TunnelCredentials.generate("tests");
        tunnel.writeTo(dir.resolve("tunnel.json"));
        ServiceTokens tokens = new ServiceTokens(
                SecretHash.randomSecret(16) + ".access",
                b.otherServiceToken ? SecretHash.randomSecret(16) + ".access" : null,
                b.otherServiceToken ? SecretHash.randomSecret(32) : null);
        String secret = SecretHash.randomSecret(32);
        Path secretFile = dir.resolve(SECRET_FILE);
        Files.createFile(
                secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secretFile, secret + "\n");
        writeEdgeConfig(tunnel, tokens, secret);
        writeConnectorConfig();
        return tokens;
    }

    private void writeEdgeConfig(TunnelCredentials tunnel, ServiceTokens tokens, String secret) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("listen: 127.0.0.1:")
                .append(edgePort)
                .append('\n')
                .append("tunnel-listen: 127.0.0.1:")
                .append(tunnelPort)
                .append('\n')
                .append("tls:\n  certificate: edge.pem\n  key: edge-key.pem\n")
                .append("issuer: ")
                .append(edgeUrl)
                .append('\n')
                .append("tunnels:\n  - name: tests\n    id: ")
                .append(tunnel.tunnelId())
                .append("\n    secret-sha256: ")
                .append(SecretHash.sha256Hex(tunnel.secret()))
                .append('\n')
                .append("service-tokens:\n  - name: ")
                .append(PortlessStack.TOKEN_NAME)
                .append("\n    client-id: ")
                .append(tokens.clientId())
                .append("\n    secret-sha256: ")
                .append(SecretHash.sha256Hex(secret))
                .append('\n');
        if (tokens.otherClientId() != null) {
            y.append("  - name: ")
                    .append(PortlessStack.OTHER_TOKEN_NAME)
                    .append("\n    client-id: ")
                    .append(tokens.otherClientId())
                    .append("\n    secret-sha256: ")
                    .append(SecretHash.sha256Hex(tokens.otherSecret()))
                    .append('\n');
        }
        y.append("apps:\n");
        for (String hostname : b.apps.keySet()) {
            y.append("  - hostname: ").append(hostname).append("\n    tunnel: tests\n");
            if (!b.appsClosedToTheToken.contains(hostname)) {
                y.append("    service-tokens: [")
                        .append(PortlessStack.TOKEN_NAME)
                        .append(tokens.otherClientId() == null ? "" : ", " + PortlessStack.OTHER_TOKEN_NAME)
                        .append("]\n");
            }
            b.appSettings
                    .getOrDefault(hostname, List.of())
                    .forEach(line -> y.append("    ").append(line).append('\n'));
        }
        Files.writeString(dir.resolve(EDGE_CONFIG), y.toString());
    }

    private void writeConnectorConfig() throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("edge: 127.0.0.1:")
                .append(tunnelPort)
                .append('\n')
                .append("credentials-file: tunnel.json\nedge-ca: ca.pem\n")
                .append("edge-issuer: ")
                .append(edgeUrl)
                .append('\n');
        b.connectorSettings.forEach((k, v) -> y.append(k).append(": ").append(v).append('\n'));
        y.append("ingress:\n");
        b.apps.forEach((hostname, service) -> {
            if (service != null) {
                y.append("  - hostname: ")
                        .append(hostname)
                        .append("\n    service: ")
                        .append(service)
                        .append('\n');
            }
        });
        b.extraIngress.forEach(rule -> y.append(rule).append('\n'));
        y.append("  - service: http_status:404\n");
        Files.writeString(dir.resolve(CONNECTOR_CONFIG), y.toString());
    }

    /**
     * The stack's service tokens.
     *
     * @param clientId      the first token's client id (its secret is in the stack's secret file)
     * @param otherClientId the second token's client id, or null when the builder did not ask for one
     * @param otherSecret   the second token's secret, or null
     */
    record ServiceTokens(String clientId, String otherClientId, String otherSecret) {}
}
