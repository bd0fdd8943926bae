package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose brought up with Debian's podman-compose: the edge, a web app and the connector beside it
 * (neither publishing a port); a request through the edge reaches the web app. Compose healthchecks do not
 * run under podman here, so the test polls the connector's log instead.
 */
class ComposeTest {
    private static final Path COMPOSE = Podman.ROOT.resolve("deploy/compose/compose.yaml");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void aRequestThroughTheEdgeReachesTheWebAppBesideTheConnector() throws Exception {
        Peers.require("podman-compose (Debian package podman-compose)", Peers.executable("/usr/bin/podman-compose"));
        String image = Podman.connectorImage();
        String web = NginxImage.build();
        Path project = Files.createTempDirectory("portless-compose");
        String name = "portless-it-compose-" + ProcessHandle.current().pid();
        int edgePort = FreePorts.next();
        TunnelCredentials tunnel = TunnelCredentials.generate("tests");
        ServiceToken token = ServiceToken.generate();
        writeProject(project, image, web, edgePort, tunnel, token);
        // The token reaches compose by name from its environment, as the file's comment asks.
        Map<String, String> env = Map.of(
                "CONTAINERS_CONF", Podman.env().get("CONTAINERS_CONF"), "PORTLESS_TUNNEL_TOKEN", tunnel.toToken());
        try {
            ProcessResult up = compose(project, env, "-p", name, "up", "-d");
            assertEquals(0, up.exitCode(), up::toString);
            Podman.awaitLog(name + "_connector_1", "registered tunnel tests", TIMEOUT);

            ProcessResult curl =
                    token.fetch(project, "web.example.com", "127.0.0.1", edgePort, project.resolve("edge/ca.pem"));
            assertEquals(0, curl.exitCode(), curl::toString);
            assertEquals(NginxImage.PAGE, curl.stdout());
            String published = Podman.ok("ps", "--filter", "name=" + name, "--format", "{{.Names}} {{.Ports}}");
            for (String line : published.split("\n")) {
                if (!line.startsWith(name + "_edge_")) {
                    assertTrue(line.trim().indexOf(' ') < 0, "only the edge may publish a port: " + line);
                }
            }
        } catch (AssertionError e) {
            for (String service : List.of("edge", "web", "connector")) {
                ProcessResult logs = Podman.run("logs", "--tail", "30", name + "_" + service + "_1");
                e.addSuppressed(new AssertionError(service + "'s log:\n" + logs.stdout() + logs.stderr()));
            }
            throw e;
        } finally {
            compose(project, env, "-p", name, "down", "-t", "2");
            Podman.run("network", "rm", "-f", name + "_default");
        }
    }

    /**
     * Writes compose.yaml (the project's, with the test's images and the edge published on a free loopback
     * port) and the edge's and connector's directories that its comments describe.
     */
    private static void writeProject(
            Path project, String image, String web, int edgePort, TunnelCredentials tunnel, ServiceToken token)
            throws IOException {
        String compose = Files.readString(COMPOSE);
        compose = replaceAll(compose, "image: localhost/portless-connector:dev", "image: " + image);
        compose = replaceAll(compose, "image: docker.io/library/nginx:1.27-alpine", "image: " + web);
        compose = replaceAll(compose, "\"8443:8443\"", "\"127.0.0.1:" + edgePort + ":8443\"");
        Files.writeString(project.resolve("compose.yaml"), compose);

        Path edge = readableDirectory(project.resolve("edge"));
        DemoCertificates.write(edge, List.of("edge", "web.example.com"), List.of());
        Files.writeString(edge.resolve("edge.yml"), token.edgeYml(tunnel, "/tmp/state", "https://edge:8443"));
        Path connector = readableDirectory(project.resolve("connector"));
        Files.copy(edge.resolve("ca.pem"), connector.resolve("ca.pem"));
        Files.writeString(
                connector.resolve("connector.yml"),
                "edge: edge:7844\nedge-ca: ca.pem\nedge-issuer: https://edge:8443\ningress:\n"
                        + "  - hostname: web.example.com\n    service: http://web:80\n  - service: http_status:404\n");
        // The containers' user (65532) reads these files.
        for (Path dir : List.of(edge, connector)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    private static Path readableDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static ProcessResult compose(Path project, Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(
                List.of("podman-compose", "-f", project.resolve("compose.yaml").toString()));
        command.addAll(List.of(args));
        return Commands.run(command, TIMEOUT, env);
    }

    private static String replaceAll(String text, String from, String to) {
        assertTrue(text.contains(from), () -> "compose.yaml no longer contains \"" + from + "\"");
        return text.replace(from, to);
    }
}
