package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.ProcessResult;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The access image as a CI job runs it: {@code access tcp} in a container (host network) with the edge and
 * a service token from a 0600 env file, carrying a request from curl to nginx behind the edge and a connector.
 */
class AccessImageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void accessTcpInAContainerCarriesARequestToNginx() throws Exception {
        String image = Podman.accessImage();
        String name = "portless-it-access-" + ProcessHandle.current().pid();
        try (LoopbackPage page = LoopbackPage.serve("served by nginx to the containerized access\n");
                PortlessStack stack = PortlessStack.builder()
                        .app("web.example.com", "tcp://127.0.0.1:" + page.port())
                        .build()
                        .start()) {
            // The container's user (65532) reads the CA from a directory of its own.
            Path ca = Files.createTempDirectory("portless-access-image-ca");
            Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(stack.caFile(), ca.resolve("ca.pem"));
            Files.setPosixFilePermissions(ca.resolve("ca.pem"), PosixFilePermissions.fromString("rw-r--r--"));
            // The secret travels in a 0600 env file that podman reads: never in argv.
            Path envFile = stack.dir().resolve("ci.env");
            Files.createFile(
                    envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(
                    envFile,
                    "PORTLESS_EDGE=" + stack.edgeUrl() + "\nPORTLESS_EDGE_CA=/ca/ca.pem\nPORTLESS_SERVICE_TOKEN_ID="
                            + stack.clientId() + "\nPORTLESS_SERVICE_TOKEN_SECRET="
                            + Files.readString(stack.secretFile()).trim() + "\n");
            int port = FreePorts.next();
            Podman.ok(
                    "run",
                    "-d",
                    "--name",
                    name,
                    "--network",
                    "host",
                    "--env-file",
                    envFile.toString(),
                    "-v",
                    ca + ":/ca:ro",
                    image,
                    "tcp",
                    "--hostname",
                    "web.example.com",
                    "--url",
                    "127.0.0.1:" + port);
            awaitListening(name, port);

            ProcessResult curl =
                    Commands.run(List.of("curl", "-sS", "--max-time", "20", "http://127.0.0.1:" + port + "/"), TIMEOUT);

            assertEquals(0, curl.exitCode(), curl::toString);
            assertEquals("served by nginx to the containerized access\n", curl.stdout());
        } finally {
            Podman.run("rm", "-f", "-t", "2", name);
        }
    }

    private static void awaitListening(String name, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(250);
            }
        }
        ProcessResult logs = Podman.run("logs", name);
        throw new AssertionError("access tcp in the container did not listen on " + port + " within "
                + TIMEOUT.toSeconds() + " s: " + logs.stdout() + logs.stderr());
    }
}
