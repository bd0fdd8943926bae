package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP makes {@code connector run} read connector.yml again: a new ingress rule serves new
 * streams without a restart, 200 streams open across the reload keep flowing, and an invalid file
 * changes nothing and is logged with its line.
 */
class ConnectorReloadTest {
    private static final String ECHO = "echo.portless.test";
    private static final String ADDED = "added.portless.test";
    private static final int OPEN_STREAMS = 200;
    private static final int BATCH = 10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void reloadAddsRulesKeepsOpenStreamsAndRefusesABadFile() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                        .appWithoutIngress(ADDED)
                        .build()
                        .start()) {
            PortlessStack.AccessTcp tcp = stack.accessTcp(ECHO);
            PortlessStack.AccessTcp added = stack.accessTcp(ADDED);
            assertEquals("", roundTrip(added.port(), "before"), "no ingress rule yet: the stream is refused");

            List<Socket> open = new ArrayList<>();
            try {
                // A batch at a time: each local connection is its own stream, a batch's set up in parallel.
                for (int batch = 0; batch < OPEN_STREAMS; batch += BATCH) {
                    for (int i = batch; i < batch + BATCH; i++) {
                        Socket s = new Socket("127.0.0.1", tcp.port());
                        s.setSoTimeout(30_000);
                        open.add(s);
                        s.getOutputStream().write('a');
                    }
                    for (int i = batch; i < batch + BATCH; i++) {
                        assertEquals('a', open.get(i).getInputStream().read(), "stream " + i + " before the reload");
                    }
                }

                Path config = stack.connectorConfig();
                String original = Files.readString(config);
                String withRule = original.replace(
                        "  - service: http_status:404",
                        "  - hostname: " + ADDED + "\n    service: tcp://127.0.0.1:" + echo.port()
                                + "\n  - service: http_status:404");
                Files.writeString(config, withRule);
                hangUp(stack);
                stack.connector().awaitOutput(Pattern.compile("Reloaded the ingress rules: 3 rule"), WAIT);
                assertEquals("after", roundTrip(added.port(), "after"), "the new rule serves new streams");

                for (int i = 0; i < open.size(); i++) {
                    assertEquals("b", exchange(open.get(i), "b"), "stream " + i + " after the reload");
                }

                // Line 2 of the file gets a key connector.yml does not have.
                List<String> lines = new ArrayList<>(List.of(withRule.split("\n")));
                lines.add(1, "no-such-setting: 1");
                Files.writeString(config, String.join("\n", lines) + "\n");
                hangUp(stack);
                stack.connector()
                        .awaitOutput(
                                Pattern.compile(
                                        "Reload refused, the running configuration stays: .*connector\\.yml:2:"),
                                WAIT);
                assertEquals("still", roundTrip(added.port(), "still"), "the running rules stay");
                for (int i = 0; i < open.size(); i++) {
                    assertEquals("c", exchange(open.get(i), "c"), "stream " + i + " after the refused reload");
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    private static void hangUp(PortlessStack stack) {
        Commands.run(List.of("kill", "-HUP", Long.toString(stack.connector().pid())), WAIT)
                .assertSuccess();
    }

    private static String exchange(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        byte[] back = s.getInputStream().readNBytes(text.length());
        return new String(back, StandardCharsets.UTF_8);
    }

    private static String roundTrip(int port, String text) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
