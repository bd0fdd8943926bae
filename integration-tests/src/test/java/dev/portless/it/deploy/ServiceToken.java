package dev.portless.it.deploy;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A service token of the deploy tests, the edge.yml of a containerized edge that accepts it, and a web app's
 * page fetched through that edge with it (the headers from a 0600 file, so the secret is in no argv).
 *
 * @param clientId its client id
 * @param secret   its secret
 */
record ServiceToken(String clientId, String secret) {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    ServiceToken {
        requireNonNull(clientId, "clientId");
        requireNonNull(secret, "secret");
    }

    /** Returns a new random token. */
    static ServiceToken generate() {
        return new ServiceToken(SecretHash.randomSecret(16) + ".access", SecretHash.randomSecret(32));
    }

    /**
     * Returns the edge.yml of an edge in a container: listening on all its addresses (8443, tunnels on 7844),
     * keeping its state in {@code stateDir}, with {@code tunnel} as {@code tests} and the app
     * {@code web.example.com} open to this token.
     */
    String edgeYml(TunnelCredentials tunnel, String stateDir, String issuer) {
        return "listen: 0.0.0.0:8443\n"
                + "tunnel-listen: 0.0.0.0:7844\n"
                + "state-dir: " + stateDir + "\n"
                + "tls:\n  certificate: edge.pem\n  key: edge-key.pem\n"
                + "issuer: " + issuer + "\n"
                + "tunnels:\n  - name: tests\n    id: " + tunnel.tunnelId() + "\n    secret-sha256: "
                + SecretHash.sha256Hex(tunnel.secret()) + "\n"
                + "service-tokens:\n  - name: tests\n    client-id: " + clientId + "\n    secret-sha256: "
                + SecretHash.sha256Hex(secret) + "\n"
                + "apps:\n  - hostname: web.example.com\n    tunnel: tests\n    service-tokens: [tests]\n";
    }

    /**
     * Returns curl's result for {@code https://<host>:<port>/}, connecting to {@code address} and trusting
     * {@code ca}; the header file goes in {@code dir}.
     */
    ProcessResult fetch(Path dir, String host, String address, int port, Path ca) throws IOException {
        Path headers = dir.resolve("service-token-headers");
        Files.deleteIfExists(headers);
        Files.createFile(headers, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(headers, "Cf-Access-Client-Id: " + clientId + "\nCf-Access-Client-Secret: " + secret + "\n");
        return Commands.run(
                List.of(
                        "curl",
                        "-sS",
                        "--max-time",
                        "20",
                        "--resolve",
                        host + ":" + port + ":" + address,
                        "--cacert",
                        ca.toString(),
                        "-H",
                        "@" + headers,
                        "https://" + host + ":" + port + "/"),
                TIMEOUT);
    }
}
