package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code access forward} with five apps in one process, from a forwards file and from flags: the
 * table shows each listener, four apps carry bytes, and the one whose policy refuses the credentials
 * reports the edge's sentence without disturbing the others.
 */
class ForwardManyAppsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String REFUSED = "closed.portless.test";

    @TempDir
    Path dir;

    @Test
    void fiveAppsFromOneProcessAndTheRefusedOneSaysWhy() throws Exception {
        List<EchoServer> echoes = new ArrayList<>();
        PortlessStack.Builder builder = PortlessStack.builder();
        List<String> allowed = List.of("a.portless.test", "b.portless.test", "c.portless.test", "d.portless.test");
        for (String app : allowed) {
            EchoServer echo = EchoServer.start();
            echoes.add(echo);
            builder.app(app, "tcp://127.0.0.1:" + echo.port());
        }
        EchoServer closedTarget = EchoServer.start();
        echoes.add(closedTarget);
        builder.appClosedToTheToken(REFUSED, "tcp://127.0.0.1:" + closedTarget.port());
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String app : List.of(allowed.get(0), allowed.get(1), allowed.get(2), allowed.get(3), REFUSED)) {
            ports.put(app, FreePorts.next());
        }
        // Three forwards from the file, two from flags.
        Path forwards = Files.writeString(dir.resolve("forwards.yml"), """
                forwards:
                  - hostname: a.portless.test
                    listen: 127.0.0.1:%d
                  - hostname: b.portless.test
                    listen: 127.0.0.1:%d
                  - hostname: closed.portless.test
                    listen: 127.0.0.1:%d
                """.formatted(
                        ports.get("a.portless.test"), ports.get("b.portless.test"), ports.get(REFUSED)));

        try (PortlessStack stack = builder.build().start();
                JavaProcess forward = JavaProcess.start(
                        "dev.portless.access.AccessMain",
                        List.of(
                                "forward",
                                "--config",
                                forwards.toString(),
                                "--forward",
                                "c.portless.test=127.0.0.1:" + ports.get("c.portless.test"),
                                "--forward",
                                "d.portless.test=127.0.0.1:" + ports.get("d.portless.test")),
                        stack.accessEnv())) {
            forward.awaitOutput(Pattern.compile("d\\.portless\\.test\\s+127\\.0\\.0\\.1:\\d+\\s+listening"), TIMEOUT);
            String table = forward.stdout();
            assertTrue(table.startsWith("APP"), table);
            ports.forEach((app, port) -> assertTrue(
                    Pattern.compile(Pattern.quote(app) + "\\s+127\\.0\\.0\\.1:" + port + "\\s+listening")
                            .matcher(table)
                            .find(),
                    table));

            for (String app : allowed) {
                assertEquals("hello " + app, roundTrip(ports.get(app), "hello " + app));
            }
            // The refused app: the local connection ends without a byte, and access says why.
            assertEquals("", roundTrip(ports.get(REFUSED), "hello " + REFUSED));
            forward.awaitOutput(Pattern.compile("access: .*" + Pattern.quote(REFUSED) + ".*"), TIMEOUT);
            assertTrue(forward.stderr().contains("not allowed"), forward.stderr());
            // The others carry on.
            for (String app : allowed) {
                assertEquals("again " + app, roundTrip(ports.get(app), "again " + app));
            }
            assertTrue(forward.isAlive());
        } finally {
            echoes.forEach(EchoServer::close);
        }
    }

    @Test
    void aMistakeInTheForwardsFileNamesItsLine() throws Exception {
        Path forwards = Files.writeString(dir.resolve("forwards.yml"), """
                forwards:
                  - hostname: a.portless.test
                    listen: localhost
                """);
        try (JavaProcess forward = JavaProcess.start(
                "dev.portless.access.AccessMain", List.of("forward", "--config", forwards.toString()), Map.of())) {
            assertEquals(2, forward.waitFor(TIMEOUT));
            assertEquals(
                    "access: " + forwards + ":3: forwards[0].listen: \"localhost\" has no port (expected: host:port)",
                    forward.stderr().strip());
        }
    }

    private static String roundTrip(int port, String text) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
