package dev.portless.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.JavaProcess;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** What the reload tests do around a SIGHUP: hold streams open through {@code access tcp} and talk over them. */
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
