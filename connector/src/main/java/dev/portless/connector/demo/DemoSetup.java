package dev.portless.connector.demo;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.connector.secret.SecretHash;
import dev.portless.connector.tunnel.TunnelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default of {@code connector serve}: a state directory with a private CA and
 * edge certificate, tunnel credentials, a service token, an e-mail PIN sign-in whose messages land in
 * {@code outbox/}, and the edge.yml and connector.yml that
 * use them. Secrets are made once and kept; the two configs are written anew on each start because
 * the demo's echo target gets a new port each time.
 */
public final class DemoSetup {
    /** The app that reaches the built-in echo target. */
    public static final String ECHO_APP = "echo.demo.portless.test";
    /** The app that reaches this machine's sshd, if one runs on port 22. */
    public static final String SSH_APP = "ssh.demo.portless.test";
    /** Every app of the demo, in the order of its edge.yml. */
    public static final List<String> APPS = List.of(ECHO_APP, SSH_APP);
    /**
     * The names the demo's edge certificate carries: its own, and every app's, so that a stock client
     * pointed at an app name (an /etc/hosts line to 127.0.0.1) verifies the edge without extra flags.
     */
    static final List<String> CERTIFICATE_NAMES = certificateNames();
    /** The demo's tunnel name. */
    public static final String TUNNEL = "demo";
    /** The demo's service token name. */
    public static final String TOKEN = "demo";

    private DemoSetup() {}

    /**
     * Returns the demo's files in {@code dir} (created 0700), with the edge on 127.0.0.1:{@code edgePort},
     * its tunnel listener on 127.0.0.1:{@code tunnelPort}, and the echo app pointing at {@code echoPort}.
     */
    public static DemoFiles prepare(Path dir, int edgePort, int tunnelPort, int echoPort) {
        try {
            OwnerOnlyFiles.createDirectories(dir);
            DemoFiles files = new DemoFiles(dir);
            // A demo directory from before the certificate named the apps gets a new CA and certificate.
            if (!Files.exists(files.ca())
                    || !Files.exists(files.edgeKey())
                    || !DemoCertificates.names(files.edgeCertificate()).containsAll(CERTIFICATE_NAMES)) {
                DemoCertificates.write(dir, CERTIFICATE_NAMES, List.of("127.0.0.1", "::1"));
            }
            if (!Files.exists(files.tunnelCredentials())) {
                TunnelCredentials.generate(TUNNEL).writeTo(files.tunnelCredentials());
            }
            if (!Files.exists(files.serviceTokenSecret())) {
                PrivateFiles.write(files.serviceTokenSecret(), SecretHash.randomSecret(32) + "\n", true);
                PrivateFiles.write(files.serviceTokenId(), SecretHash.randomSecret(16) + ".access\n", false);
            }
            TunnelCredentials tunnel = TunnelCredentials.read(files.tunnelCredentials());
            String secretHash = SecretHash.sha256Hex(files.readServiceTokenSecret());
            PrivateFiles.write(
                    files.edgeConfig(),
                    """
                    # Written by `connector serve` (the embedded demo); edits are overwritten at its next start.
                    listen: 127.0.0.1:%d
                    tunnel-listen: 127.0.0.1:%d
                    issuer: https://127.0.0.1:%d
                    tls:
                      certificate: edge.pem
                      key: edge-key.pem
                    tunnels:
                      - name: %s
                        id: %s
                        secret-sha256: %s
                    service-tokens:
                      - name: %s
                        client-id: %s
                        secret-sha256: %s
                    # Sign in as a person with `access login`: the e-mail code is written to outbox/
                    # instead of being mailed, and every signed-in person may reach the demo's apps.
                    identity-providers:
                      - name: email
                        type: pin
                        display-name: "E-mail code (the demo writes it to its outbox directory)"
                        outbox: outbox
                    apps:
                    """.formatted(
                                            edgePort,
                                            tunnelPort,
                                            edgePort,
                                            TUNNEL,
                                            tunnel.tunnelId(),
                                            SecretHash.sha256Hex(tunnel.secret()),
                                            TOKEN,
                                            files.readServiceTokenId(),
                                            secretHash)
                            + appEntries(),
                    false);
            PrivateFiles.write(
                    files.connectorConfig(), """
                    # Written by `connector serve` (the embedded demo); edits are overwritten at its next start.
                    edge: 127.0.0.1:%d
                    credentials-file: tunnel.json
                    edge-ca: ca.pem
                    edge-issuer: https://127.0.0.1:%d
                    ingress:
                      - hostname: %s
                        service: tcp://127.0.0.1:%d
                      - hostname: %s
                        service: ssh://127.0.0.1:22
                      - service: http_status:404
                    """.formatted(tunnelPort, edgePort, ECHO_APP, echoPort, SSH_APP), false);
            return files;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the demo's files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String appEntries() {
        StringBuilder entries = new StringBuilder();
        for (String app : APPS) {
            entries.append("""
                      - hostname: %s
                        tunnel: %s
                        service-tokens: [%s]
                        policy:
                          include:
                            - everyone: true
                    """.formatted(app, TUNNEL, TOKEN));
        }
        return entries.toString();
    }

    private static List<String> certificateNames() {
        List<String> names = new ArrayList<>(List.of("localhost", "edge.demo.portless.test"));
        names.addAll(APPS);
        return List.copyOf(names);
    }

    /** The paths of the demo's files. */
    public record DemoFiles(Path dir) {
        /** Returns the CA certificate clients trust. */
        public Path ca() {
            return dir.resolve("ca.pem");
        }

        /** Returns the edge's certificate chain (PEM). */
        public Path edgeCertificate() {
            return dir.resolve("edge.pem");
        }

        Path edgeKey() {
            return dir.resolve("edge-key.pem");
        }

        /** Returns the tunnel credentials file. */
        public Path tunnelCredentials() {
            return dir.resolve("tunnel.json");
        }

        /** Returns the file holding the service token's secret (0600). */
        public Path serviceTokenSecret() {
            return dir.resolve("service-token-secret");
        }

        Path serviceTokenId() {
            return dir.resolve("service-token-id");
        }

        /** Returns the directory where the demo's sign-in codes are written instead of mailed. */
        public Path outbox() {
            return dir.resolve("outbox");
        }

        /** Returns edge.yml. */
        public Path edgeConfig() {
            return dir.resolve("edge.yml");
        }

        /** Returns connector.yml. */
        public Path connectorConfig() {
            return dir.resolve("connector.yml");
        }

        /** Returns the service token's client id. */
        public String readServiceTokenId() throws IOException {
            return Files.readString(serviceTokenId()).trim();
        }

        String readServiceTokenSecret() throws IOException {
            return Files.readString(serviceTokenSecret()).trim();
        }
    }
}
