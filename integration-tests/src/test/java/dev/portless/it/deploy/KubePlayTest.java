package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.peers.Nginx;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes run by {@code podman kube play}: the edge Deployment and Service, then the connector
 * Deployment's two replicas, with the Secrets in podman's own store. Both replicas register at the edge,
 * the probes' endpoints answer on the pods' addresses, and a request through the edge reaches an nginx
 * target. The test stands in for the cluster's DNS with {@code hostAliases} (podman's CNI network here
 * resolves no Service names) and for the Service's port 443 with the edge pod's 8443.
 */
class KubePlayTest {
    private static final Path MANIFESTS = Podman.ROOT.resolve("deploy/kubernetes");
    private static final String MANIFEST_IMAGE = "image: localhost/portless-connector:dev";
    private static final List<String> SECRETS = List.of("portless-edge", "portless-edge-ca", "portless-tunnel");
    private static final Pattern CONTAINER_PORTS =
            Pattern.compile("(?m)^ {10}ports:\n(?: {12}- name: .*\n {14}containerPort: .*\n {14}protocol: TCP\n)+");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theEdgeAndTwoConnectorReplicasCarryARequestToNginx() throws Exception {
        String image = Podman.connectorImage();
        Path dir = Files.createTempDirectory("portless-kube");
        String network = "portless-it-kube-" + ProcessHandle.current().pid();
        Path edgeManifest = dir.resolve("edge.yaml");
        Path connectorManifest = dir.resolve("connector.yaml");
        List<Path> played = new ArrayList<>();
        Nginx nginx = null;
        try {
            removeLeftovers();
            Podman.ok("network", "create", network);
            TunnelCredentials tunnel = TunnelCredentials.generate("tests");
            ServiceToken token = ServiceToken.generate();
            writeEdgeSecrets(dir, tunnel, token);
            Podman.createSecret("portless-tunnel", tokenSecret(tunnel.toToken()));

            Files.writeString(
                    edgeManifest, forPodman(replaceOnce(read("edge.yaml"), MANIFEST_IMAGE, "image: " + image)));
            played.add(edgeManifest);
            Podman.ok("kube", "play", "--network", network, edgeManifest.toString());
            String edgeAddress = podAddress("portless-edge-pod-0-edge");
            AdminEndpoints edge = new AdminEndpoints(edgeAddress);
            edge.awaitReady(TIMEOUT);

            // The bridge exists once a pod runs on it: nginx listens on its gateway, where the pods reach it.
            String gateway = Podman.ok(
                            "network", "inspect", network, "--format", "{{range .Subnets}}{{.Gateway}}{{end}}")
                    .trim();
            int nginxPort = FreePorts.next();
            Path site = dir.resolve("nginx");
            Files.createDirectories(site.resolve("www"));
            Files.writeString(site.resolve("www/index.html"), "served by nginx behind two connector replicas\n");
            nginx = Nginx.start(
                    site,
                    "server {\n  listen 127.0.0.1:" + nginxPort + ";\n  listen " + gateway + ":" + nginxPort
                            + ";\n  root DIR/www;\n}\n",
                    nginxPort);

            String connector = replaceOnce(read("connector.yaml"), MANIFEST_IMAGE, "image: " + image);
            connector = replaceOnce(connector, "service: http://web:80", "service: http://web:" + nginxPort);
            connector = replaceOnce(
                    connector,
                    "      automountServiceAccountToken: false\n",
                    "      automountServiceAccountToken: false\n      hostAliases:\n        - ip: " + edgeAddress
                            + "\n          hostnames: [portless-edge]\n        - ip: " + gateway
                            + "\n          hostnames: [web]\n");
            // The Service maps 443 to the edge's 8443 in a cluster; here the keys come from the pod itself.
            connector = replaceOnce(
                    connector,
                    "    edge-issuer: https://portless-edge\n",
                    "    edge-issuer: https://portless-edge\n"
                            + "    edge-jwks-url: https://portless-edge:8443/.well-known/jwks.json\n");
            Files.writeString(connectorManifest, forPodman(connector));
            played.add(connectorManifest);
            Podman.ok("kube", "play", "--network", network, connectorManifest.toString());

            for (String pod : List.of("portless-connector-pod-0", "portless-connector-pod-1")) {
                AdminEndpoints replica = new AdminEndpoints(podAddress(pod + "-connector"));
                replica.awaitReady(TIMEOUT);
                assertEquals(200, replica.status("/healthz"), pod + " /healthz");
                // ha-connections (2 by default) to the one edge.
                replica.awaitSample("portless_connector_tunnel_connections{edge=\"portless-edge:7844\"}", 2, TIMEOUT);
            }
            assertEquals(200, edge.status("/healthz"), "edge /healthz");
            edge.awaitSample("portless_edge_tunnel_connections{tunnel=\"tests\"}", 4, TIMEOUT);

            ProcessResult curl = token.fetch(dir, "web.example.com", edgeAddress, 8443, dir.resolve("ca.pem"));
            assertEquals(0, curl.exitCode(), curl::toString);
            assertEquals("served by nginx behind two connector replicas\n", curl.stdout());
        } catch (AssertionError e) {
            for (String container : List.of(
                    "portless-edge-pod-0-edge",
                    "portless-connector-pod-0-connector",
                    "portless-connector-pod-1-connector")) {
                ProcessResult logs = Podman.run("logs", "--tail", "40", container);
                e.addSuppressed(new AssertionError(container + "'s log:\n" + logs.stdout() + logs.stderr()));
            }
            throw e;
        } finally {
            for (Path manifest : played) {
                Podman.run("kube", "down", manifest.toString());
            }
            removeLeftovers();
            Podman.run("network", "rm", "-f", network);
            if (nginx != null) {
                nginx.close();
            }
        }
    }

    /**
     * Writes edge.yml, its certificate and key, and the CA, and stores them as the Secrets the edge
     * Deployment mounts (kube Secret documents, which is what podman reads for a secret volume).
     */
    private static void writeEdgeSecrets(Path dir, TunnelCredentials tunnel, ServiceToken token) throws Exception {
        DemoCertificates.write(dir, List.of("portless-edge", "web.example.com"), List.of());
        String edgeYml = token.edgeYml(tunnel, "/var/lib/portless", "https://portless-edge");
        Podman.createSecret(
                "portless-edge",
                kubeSecret(
                        "portless-edge",
                        Map.of(
                                "edge.yml", edgeYml,
                                "edge.pem", Files.readString(dir.resolve("edge.pem")),
                                "edge-key.pem", Files.readString(dir.resolve("edge-key.pem")))));
        Podman.createSecret(
                "portless-edge-ca",
                kubeSecret("portless-edge-ca", Map.of("ca.pem", Files.readString(dir.resolve("ca.pem")))));
    }

    /**
     * Returns a kube Secret document with the files as {@code data}. Each value is tagged {@code !!binary}:
     * podman 4.3 writes an untagged value to the secret volume still base64-encoded (and ignores
     * {@code stringData}).
     */
    private static byte[] kubeSecret(String name, Map<String, String> files) {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ")
                .append(name)
                .append("\ndata:\n");
        files.forEach((file, text) -> y.append("  ")
                .append(file)
                .append(": !!binary ")
                .append(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
                .append('\n'));
        return y.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** podman (4.3) reads an environment variable's secretKeyRef from a JSON object of base64 values. */
    private static byte[] tokenSecret(String token) {
        return ("{\"token\":\"" + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void removeLeftovers() {
        for (String secret : SECRETS) {
            Podman.run("secret", "rm", secret);
        }
        // Secret and ConfigMap volumes outlive kube down: podman keeps them as named volumes.
        Podman.run("volume", "rm", "-f", "portless-edge", "portless-edge-ca", "portless-connector");
    }

    private static String podAddress(String container) {
        return Podman.ok("inspect", container, "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")
                .trim();
    }

    private static String read(String manifest) throws java.io.IOException {
        return Files.readString(MANIFESTS.resolve(manifest));
    }

    /**
     * Returns the manifest without its containers' port lists, the probes naming the admin port by number:
     * podman 4.3 publishes every containerPort on the host (Kubernetes publishes none), so the replicas'
     * admin ports would collide there.
     */
    private static String forPodman(String manifest) {
        String stripped = CONTAINER_PORTS.matcher(manifest).replaceAll("");
        assertTrue(!stripped.equals(manifest), "the manifest no longer lists its containers' ports");
        return replaceOnce(stripped, "port: admin", "port: 9090");
    }

    private static String replaceOnce(String text, String from, String to) {
        assertTrue(text.contains(from), () -> "the manifest no longer contains \"" + from + "\"");
        return text.replace(from, to);
    }
}
