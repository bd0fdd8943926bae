package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.edge.store.StateDirectoryLock;
import dev.portless.connector.tunnel.TunnelCredentials;
import dev.portless.it.harness.TwoEdgeStack;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@code connector edge} processes without a shared store, on one state directory: the second refuses to
 * start with a sentence naming the directory, the holder and the fix; once the first is killed with SIGKILL (its
 * lock file left behind), the second starts. File locks belong to processes, so this takes two of them.
 */
class OneEdgePerStateDirTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("Edge listening");

    private Path dir;
    private JavaProcess first;
    private JavaProcess second;

    @BeforeEach
    void writeTwoEdgesOnOneStateDir() throws IOException {
        dir = TempDirs.create("portless-state-lock");
        DemoCertificates.write(dir, List.of("localhost"), List.of("127.0.0.1"));
        TunnelCredentials tunnel = TunnelCredentials.generate("tests");
        for (int i = 0; i < 2; i++) {
            int port = FreePorts.next();
            Files.writeString(dir.resolve("edge-" + i + ".yml"), """
                    listen: 127.0.0.1:%d
                    tunnel-listen: 127.0.0.1:%d
                    issuer: https://127.0.0.1:%d
                    state-dir: shared-state
                    tls:
                      certificate: edge.pem
                      key: edge-key.pem
                    tunnels:
                      - name: tests
                        id: %s
                        secret-sha256: %s
                    """.formatted(
                            port, FreePorts.next(), port, tunnel.tunnelId(), tunnel.secretSha256()));
        }
    }

    @AfterEach
    void stop() {
        for (JavaProcess p : new JavaProcess[] {first, second}) {
            if (p != null) {
                p.close();
            }
        }
        TempDirs.delete(dir);
    }

    @Test
    void aSecondEdgeOnTheSameStateDirIsRefusedUntilTheFirstIsGone() {
        first = edge(0);
        first.awaitOutput(LISTENING, START);
        int status;
        String said;
        try (JavaProcess refused = edge(1)) {
            status = refused.waitFor(START);
            said = refused.stdout() + refused.stderr();
        }
        Path stateDir = dir.resolve("shared-state");
        assertTrue(status != 0, "the second edge must not start: " + said);
        assertTrue(
                said.contains("another edge (process " + first.pid() + ") uses the state directory " + stateDir
                        + "; give each edge its own state-dir, or use store: postgres"),
                said);
        assertTrue(!LISTENING.matcher(said).find(), said);

        TwoEdgeStack.killHard(first);
        assertTrue(Files.exists(stateDir.resolve(StateDirectoryLock.NAME)), "SIGKILL leaves the lock file behind");
        second = edge(1);
        second.awaitOutput(LISTENING, START);
        assertEquals(
                second.pid() + "\n",
                read(stateDir.resolve(StateDirectoryLock.NAME)),
                "the lock file names the edge that holds it");
    }

    private JavaProcess edge(int i) {
        return JavaProcess.startServer(
                "dev.portless.connector.ConnectorMain",
                List.of("edge", "--config", dir.resolve("edge-" + i + ".yml").toString()),
                Map.of());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
