package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connector image run for real: the connector in a container (host network) reaches the edge and an
 * nginx outside it, and a request through {@code access tcp} comes back with nginx's page.
 */
class ConnectorImageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void theConnectorInAContainerCarriesARequestToNginx() throws Exception {
        String image = Podman.connectorImage();
        String name = "portless-it-connector-" + ProcessHandle.current().pid();
        try (LoopbackPage page = LoopbackPage.serve("served by nginx behind the containerized connector\n");
                PortlessStack stack = PortlessStack.builder()
                        .app("web.example.com", "tcp://127.0.0.1:" + page.port())
                        .build()) {
            stack.startEdge();
            // The container's user (65532) reads the settings from a directory of its own.
            Path config = Files.createTempDirectory("portless-image-config");
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxr-xr-x"));
            // The token comes from the environment, so the copy names no credentials file.
            Files.writeString(
                    config.resolve("connector.yml"),
                    Files.readString(stack.connectorConfig()).replace("credentials-file: tunnel.json\n", ""));
            Files.copy(stack.caFile(), config.resolve("ca.pem"));
            for (String file : List.of("connector.yml", "ca.pem")) {
                Files.setPosixFilePermissions(config.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
            }
            String token =
                    TunnelCredentials.read(stack.dir().resolve("tunnel.json")).toToken();
            // -e NAME without a value: podman takes it from its own environment, so the token is not in argv.
            ProcessResult started = Commands.run(
                    List.of(
                            "podman",
                            "run",
                            "-d",
                            "--name",
                            name,
                            "--network",
                            "host",
                            "-v",
                            config + ":/config:ro",
                            "-e",
                            "PORTLESS_TUNNEL_TOKEN",
                            image),
                    TIMEOUT,
                    Map.of("CONTAINERS_CONF", Podman.env().get("CONTAINERS_CONF"), "PORTLESS_TUNNEL_TOKEN", token));
            assertEquals(0, started.exitCode(), started::toString);
            Podman.awaitLog(name, "registered tunnel tests", TIMEOUT);
            String logs = Podman.run("logs", name).stderr();
            assertTrue(logs.contains("credentials  PASS"), logs);

            PortlessStack.AccessTcp access = stack.accessTcp("web.example.com");
            ProcessResult curl = Commands.run(
                    List.of("curl", "-sS", "--max-time", "20", "http://127.0.0.1:" + access.port() + "/"), TIMEOUT);

            assertEquals(0, curl.exitCode(), curl::toString);
            assertEquals("served by nginx behind the containerized connector\n", curl.stdout());
        } finally {
            Podman.run("rm", "-f", "-t", "2", name);
        }
    }
}
