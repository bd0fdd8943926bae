package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.TempDirs;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * SIGHUP and {@code connector reload} make {@code connector run} read connector.yml again: a new ingress rule
 * serves new streams without a restart, 200 streams open across the reloads keep flowing, an invalid file changes
 * nothing and the command prints its line and exits 1, and a removed rule, reloaded by the command, serves no
 * new stream.
 */
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class ConnectorReloadTest {
    private static final String ECHO = "echo.portless.test";
    private static final String ADDED = "added.portless.test";
    private static final int OPEN_STREAMS = 200;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void reloadAddsRulesKeepsOpenStreamsAndRefusesABadFile() throws Exception {
        String admin = "127.0.0.1:" + FreePorts.next();
        Path secrets = TempDirs.create("portless-reload");
        Path secret = secrets.resolve("admin-secret");
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .connectorFlags("--admin", admin, "--admin-secret-file", secret.toString())
                        .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                        .appWithoutIngress(ADDED)
                        .build()
                        .start()) {
            PortlessStack.AccessTcp tcp = stack.accessTcp(ECHO);
            PortlessStack.AccessTcp added = stack.accessTcp(ADDED);
            assertEquals(
                    "", ReloadStreams.roundTrip(added.port(), "before"), "no ingress rule yet: the stream is refused");

            List<Socket> open = new ArrayList<>();
            try {
                ReloadStreams.open(tcp.port(), OPEN_STREAMS, open);

                Path config = stack.connectorConfig();
                String original = Files.readString(config);
                String withRule = original.replace(
                        "  - service: http_status:404",
                        "  - hostname: " + ADDED + "\n    service: tcp://127.0.0.1:" + echo.port()
                                + "\n  - service: http_status:404");
                Files.writeString(config, withRule);
                ReloadStreams.hangUp(stack.connector());
                stack.connector().awaitOutput(Pattern.compile("Reloaded the ingress rules: 3 rule"), WAIT);
                assertEquals(
                        "after", ReloadStreams.roundTrip(added.port(), "after"), "the new rule serves new streams");

                for (int i = 0; i < open.size(); i++) {
                    assertEquals("b", ReloadStreams.exchange(open.get(i), "b"), "stream " + i + " after the reload");
                }

                // Line 2 of the file gets a key connector.yml does not have.
                ReloadStreams.expectRefusedAtLine2(config, withRule, admin, secret);
                assertEquals("still", ReloadStreams.roundTrip(added.port(), "still"), "the running rules stay");
                for (int i = 0; i < open.size(); i++) {
                    assertEquals(
                            "c", ReloadStreams.exchange(open.get(i), "c"), "stream " + i + " after the refused reload");
                }

                // The rule goes again, through the command this time.
                Files.writeString(config, original);
                ProcessResult applied = ReloadStreams.reloadCommand(admin, secret);
                assertEquals(0, applied.exitCode(), applied.toString());
                assertTrue(
                        applied.stdout().contains("Reloaded the ingress rules: 2 rule(s) for new streams\n"),
                        applied.toString());
                assertTrue(applied.stdout().contains(": ingress rules removed " + ADDED + "\n"), applied.toString());
                assertEquals(
                        "", ReloadStreams.roundTrip(added.port(), "gone"), "the removed rule serves no new stream");
                for (int i = 0; i < open.size(); i++) {
                    assertEquals(
                            "d", ReloadStreams.exchange(open.get(i), "d"), "stream " + i + " after the second reload");
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        } finally {
            TempDirs.delete(secrets);
        }
    }
}
