package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.peers.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mistake in a configuration file stops {@code connector run} or {@code connector edge} at start-up with
 * exit code 78 (EX_CONFIG) and one line on stderr, {@code connector: <file>:<line>: <path>: <problem>}, and nothing else.
 */
class ConfigErrorsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void malformedConnectorYaml() throws IOException {
        Path config = write("connector.yml", """
                edge: 127.0.0.1:7844
                credentials-file: tunnel.json
                ingress:
                  - hostname: ssh.example.com
                    service: "ssh://10.0.0.5
                  - service: http_status:404
                """);

        // SnakeYAML notices the open quote only at the end of the file (line 7, column 1); the user needs the
        // line where the quote opens.
        assertConfigError(
                "run",
                config,
                config + ":5: YAML syntax error at column 14: found unexpected end of "
                        + "stream while scanning a quoted scalar (check the indentation and quoting)");
    }

    @Test
    void unknownServiceScheme() throws IOException {
        Path config = write("connector.yml", """
                edge: 127.0.0.1:7844
                credentials-file: tunnel.json
                ingress:
                  - hostname: files.example.com
                    service: ftp://files.internal:21
                  - service: http_status:404
                """);

        assertConfigError(
                "run",
                config,
                config + ":5: ingress[0].service: unknown scheme \"ftp\" "
                        + "(expected: "
                        + "tcp, ssh, rdp, smb, http, https, unix, unix+tls, hello-world, bastion, http_status)");
    }

    @Test
    void httpsOriginWithAMissingCaPool() throws IOException {
        Path config = write("connector.yml", """
                edge: 127.0.0.1:7844
                credentials-file: tunnel.json
                ingress:
                  - hostname: wiki.example.com
                    service: https://wiki.internal
                    origin-request:
                      ca-pool: no-such-ca.pem
                  - service: http_status:404
                """);

        assertConfigErrorStartsWith("run", config, config + ":7: ingress[0].origin-request.ca-pool: ");
    }

    @Test
    void pathThatIsNotARegularExpression() throws IOException {
        Path config = write("connector.yml", """
                edge: 127.0.0.1:7844
                credentials-file: tunnel.json
                ingress:
                  - hostname: wiki.example.com
                    path: "^/api/[v1"
                    service: http://localhost:3000
                  - service: http_status:404
                """);

        assertConfigErrorStartsWith(
                "run", config, config + ":5: ingress[0].path: \"^/api/[v1\" is not a regular expression: ");
    }

    @Test
    void catchAllMissing() throws IOException {
        Path config = write("connector.yml", """
                edge: 127.0.0.1:7844
                credentials-file: tunnel.json
                ingress:
                  - hostname: ssh.example.com
                    service: ssh://10.0.0.5
                  - hostname: db.example.com
                    service: tcp://10.0.0.6:5432
                """);

        assertConfigError(
                "run",
                config,
                config + ":6: ingress[1]: the last rule must be a catch-all without "
                        + "hostname or path, e.g. \"- service: http_status:404\"");
    }

    @Test
    void malformedEdgeYaml() throws IOException {
        Path config = write("edge.yml", """
                listen: 127.0.0.1:8443
                tunnel-listen: 127.0.0.1:7844
                tls:
                  certificate: edge.pem
                 key: edge-key.pem
                """);

        assertConfigError(
                "edge",
                config,
                config + ":5: YAML syntax error at column 2: expected <block end>, "
                        + "but found '<block mapping start>' (check the indentation and quoting)");
    }

    private Path write(String name, String yaml) throws IOException {
        // A real credentials file, so the only mistake in each connector.yml is the one under test.
        TunnelCredentials.generate("tests").writeTo(dir.resolve("tunnel.json"));
        return Files.writeString(dir.resolve(name), yaml);
    }

    /** Asserts the start of the one-line error (the rest quotes the JDK's reason) and exit code 78. */
    private static void assertConfigErrorStartsWith(String role, Path config, String expected) {
        try (JavaProcess connector = JavaProcess.start(
                "dev.portless.connector.ConnectorMain", List.of(role, "--config", config.toString()), Map.of())) {
            int exit = connector.waitFor(TIMEOUT);
            String stderr = connector.stderr();
            assertTrue(stderr.startsWith("connector: " + expected), "stderr: " + stderr);
            assertEquals(1, stderr.lines().count(), "one line: " + stderr);
            assertEquals(78, exit, "exit code");
        }
    }

    private static void assertConfigError(String role, Path config, String expected) {
        try (JavaProcess connector = JavaProcess.start(
                "dev.portless.connector.ConnectorMain", List.of(role, "--config", config.toString()), Map.of())) {
            int exit = connector.waitFor(TIMEOUT);
            assertEquals("connector: " + expected + "\n", connector.stderr(), "stderr");
            assertEquals(78, exit, "exit code");
            assertEquals("", connector.stdout(), "stdout");
        }
    }
}
