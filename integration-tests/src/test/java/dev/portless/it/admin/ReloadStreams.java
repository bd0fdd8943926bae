package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the reload tests do around a SIGHUP or {@code connector reload}: hold streams open through {@code access
 * tcp} and talk over them, and send the signal or the command.
 */
final class ReloadStreams {
    private static final int BATCH = 10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ReloadStreams() {}

    /** Opens {@code count} streams through {@code port}, a batch set up in parallel at a time, each echoing once. */
    static void open(int port, int count, List<Socket> open) throws IOException {
        for (int batch = 0; batch < count; batch += BATCH) {
            for (int i = batch; i < batch + BATCH; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(30_000);
                open.add(s);
                s.getOutputStream().write('a');
            }
            for (int i = batch; i < batch + BATCH; i++) {
                assertEquals('a', open.get(i).getInputStream().read(), "stream " + i + " before the reload");
            }
        }
    }

    /** Sends SIGHUP to {@code process}. */
    static void hangUp(JavaProcess process) {
        Commands.run(List.of("kill", "-HUP", Long.toString(process.pid())), WAIT)
                .assertSuccess();
    }

    /**
     * Returns what {@code connector reload} did, sent to the admin listener at {@code admin} with the secret in
     * {@code secretFile}, once it has exited.
     */
    static ProcessResult reloadCommand(String admin, Path secretFile) {
        List<String> args = List.of("reload", "--admin", admin, "--admin-secret-file", secretFile.toString());
        try (JavaProcess reload = JavaProcess.start("dev.portless.connector.ConnectorMain", args, Map.of())) {
            int exit = reload.waitFor(WAIT);
            return new ProcessResult(args, exit, reload.stdout(), reload.stderr());
        }
    }

    /**
     * Writes {@code valid} with a key the file does not have on line 2 to {@code config}, and checks that
     * {@code connector reload} exits 1 with the sentence that names the line.
     */
    static void expectRefusedAtLine2(Path config, String valid, String admin, Path secret) throws IOException {
        List<String> lines = new ArrayList<>(List.of(valid.split("\n")));
        lines.add(1, "no-such-setting: 1");
        Files.writeString(config, String.join("\n", lines) + "\n");
        ProcessResult refused = reloadCommand(admin, secret);
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(
                refused.stderr()
                        .contains("connector reload: the program refused: Reload refused, the running configuration"
                                + " stays: " + config + ":2: "),
                refused.toString());
    }

    /** Returns what the stream {@code s} answers to {@code text}. */
    static String exchange(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        byte[] back = s.getInputStream().readNBytes(text.length());
        return new String(back, StandardCharsets.UTF_8);
    }

    /** Returns what a new stream through {@code port} answers to {@code text} before it ends. */
    static String roundTrip(int port, String text) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
