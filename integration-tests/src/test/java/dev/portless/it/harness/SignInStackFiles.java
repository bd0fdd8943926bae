package dev.portless.it.harness;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.peers.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The files a {@link SignInStack}'s programs read, written from what its builder asked for: the private CA and
 * the edge's certificate, the owner-only secret files, the tunnel's credentials, edge.yml (the PIN provider and
 * any others, the apps with their policies, the audit log) and connector.yml (each app to its service, or to the
 * echo server).
 */
final class SignInStackFiles {
    private SignInStackFiles() {}

    /**
     * Writes the files into {@code dir} for an edge at {@code issuer} listening on {@code edgePort} (and a free port
     * for its tunnel listener), its apps served by the echo server on {@code echoPort} unless the builder named
     * another service.
     */
    static void write(Path dir, String issuer, int edgePort, int echoPort, SignInStack.Builder b) throws IOException {
        int tunnelPort = FreePorts.next();
        DemoCertificates.write(dir, List.of("localhost"), List.of("127.0.0.1"));
        for (Map.Entry<String, String> f : b.secrets.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.writeString(file, f.getValue() + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        TunnelCredentials tunnel = TunnelCredentials.generate("tests");
        tunnel.writeTo(dir.resolve("tunnel.json"));
        StringBuilder appYaml = new StringBuilder();
        b.apps.forEach((host, policy) -> appYaml.append("  - hostname: ")
                .append(host)
                .append("\n    tunnel: tests\n")
                .append("    policy:\n")
                .append(policy.indent(6))
                .append(b.appExtras.getOrDefault(host, "").indent(4)));
        Files.writeString(dir.resolve("edge.yml"), """
                listen: 127.0.0.1:%d
                tunnel-listen: 127.0.0.1:%d
                issuer: %s
                tls:
                  certificate: edge.pem
                  key: edge-key.pem
                audit:
                  file: audit.jsonl
                identity-providers:
                  - name: email
                    type: pin
                    outbox: outbox
                %stunnels:
                  - name: tests
                    id: %s
                    secret-sha256: %s
                apps:
                %s""".formatted(
                        edgePort,
                        tunnelPort,
                        issuer,
                        b.providers.toString(),
                        tunnel.tunnelId(),
                        tunnel.secretSha256(),
                        appYaml));
        String ingress = b.apps.keySet().stream()
                .map(h -> "  - hostname: " + h + "\n    service: "
                        + b.services.getOrDefault(h, "tcp://127.0.0.1:" + echoPort) + "\n")
                .collect(Collectors.joining());
        Files.writeString(dir.resolve("connector.yml"), """
                edge: 127.0.0.1:%d
                credentials-file: tunnel.json
                edge-ca: ca.pem
                edge-issuer: %s
                ha-connections: 1
                ingress:
                %s  - service: http_status:404
                """.formatted(tunnelPort, issuer, ingress));
    }
}
