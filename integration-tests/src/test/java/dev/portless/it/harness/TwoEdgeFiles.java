package dev.portless.it.harness;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * What the programs of a {@link TwoEdgeStack} read: the edges' certificate, both edges' edge.yml (one PostgreSQL
 * store, one issuer: HAProxy's address), the tunnel credentials and connector.yml, and HAProxy's configuration
 * with its runtime API's socket ({@link #HAPROXY_SOCKET}).
 */
final class TwoEdgeFiles {
    /** HAProxy's stats socket in the stack's directory, at admin level. */
    static final String HAPROXY_SOCKET = "haproxy.sock";

    private final Path dir;
    private final int lbPort;
    private final int[] edgePorts;
    private final int[] tunnelPorts;

    TwoEdgeFiles(Path dir, int lbPort, int[] edgePorts, int[] tunnelPorts) {
        this.dir = dir;
        this.lbPort = lbPort;
        this.edgePorts = edgePorts.clone();
        this.tunnelPorts = tunnelPorts.clone();
    }

    /**
     * Writes every file: the store at {@code jdbcUrl}, the app served by the echo server on {@code echoPort},
     * {@code providersYaml} after the e-mail PIN provider and {@code files} (owner-only) beside edge.yml.
     */
    void write(String jdbcUrl, int echoPort, String providersYaml, Map<String, String> files) throws IOException {
        DemoCertificates.write(dir, List.of("localhost"), List.of("127.0.0.1"));
        // The throw-away server trusts loopback, so any password is accepted; the edge still reads it from here.
        writeOwnerOnly("db-password", "unused-with-trust-auth\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            writeOwnerOnly(f.getKey(), f.getValue());
        }
        TunnelCredentials tunnel = TunnelCredentials.generate("tests");
        tunnel.writeTo(dir.resolve("tunnel.json"));
        // A 5 s connect: on a loaded test machine (load 30 on two cores) 2 s was seen to run out at start-up.
        for (int i = 0; i < 2; i++) {
            Files.writeString(dir.resolve("edge-" + i + ".yml"), """
                    listen: 127.0.0.1:%d
                    tunnel-listen: 127.0.0.1:%d
                    issuer: %s
                    state-dir: state-%d
                    tls:
                      certificate: edge.pem
                      key: edge-key.pem
                    store:
                      jdbc-url: %s
                      user: postgres
                      password-file: db-password
                      connect-timeout: 5s
                      query-timeout: 2s
                    ssh-ca:
                      key-file: state-%d/ssh-ca
                    identity-providers:
                      - name: email
                        type: pin
                        outbox: outbox
                    %s
                    tunnels:
                      - name: tests
                        id: %s
                        secret-sha256: %s
                    apps:
                      - hostname: %s
                        tunnel: tests
                        policy:
                          include:
                            - email-domains: [example.com]
                    """.formatted(
                            edgePorts[i],
                            tunnelPorts[i],
                            issuer(),
                            i,
                            jdbcUrl,
                            i,
                            providersYaml.stripIndent().strip().indent(2).stripTrailing(),
                            tunnel.tunnelId(),
                            tunnel.secretSha256(),
                            TwoEdgeStack.APP));
        }
        Files.writeString(dir.resolve("connector.yml"), """
                edges: [127.0.0.1:%d, 127.0.0.1:%d]
                credentials-file: tunnel.json
                edge-ca: ca.pem
                edge-issuer: %s
                ha-connections: 1
                ingress:
                  - hostname: %s
                    service: tcp://127.0.0.1:%d
                  - service: http_status:404
                """.formatted(
                        tunnelPorts[0], tunnelPorts[1], issuer(), TwoEdgeStack.APP, echoPort));
        // Health checks every 200 ms, down after two misses; a refused connect is retried on the other edge.
        Files.writeString(dir.resolve("haproxy.cfg"), """
                global
                    maxconn 4096
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    retries 2
                    option redispatch
                frontend edges
                    bind 127.0.0.1:%d
                    default_backend edges
                backend edges
                    balance roundrobin
                    server a 127.0.0.1:%d check inter 200ms fall 2 rise 2
                    server b 127.0.0.1:%d check inter 200ms fall 2 rise 2
                """.formatted(
                        dir.resolve(HAPROXY_SOCKET), lbPort, edgePorts[0], edgePorts[1]));
    }

    private String issuer() {
        return "https://127.0.0.1:" + lbPort;
    }

    private void writeOwnerOnly(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
