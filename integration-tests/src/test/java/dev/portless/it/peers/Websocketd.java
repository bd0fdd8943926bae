package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A WebSocket origin (Debian package {@code websocketd}) on a loopback port chosen at run time: it serves
 * the files of a directory over HTTP, and every WebSocket connection talks to a {@code sed} that answers
 * each text message with {@code "echo: "} and the message.
 */
public final class Websocketd implements AutoCloseable {
    /** Where Debian installs websocketd. */
    public static final String BINARY = "/usr/bin/websocketd";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final int port;

    private Websocketd(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Returns a running websocketd serving {@code staticDir}, once its port accepts connections. */
    public static Websocketd start(Path staticDir) throws IOException, InterruptedException {
        requireNonNull(staticDir, "staticDir");
        Peers.require("websocketd (Debian package websocketd)", Peers.executable(BINARY));
        int port = FreePorts.next();
        Process p = new ProcessBuilder(
                        BINARY,
                        "--address=127.0.0.1",
                        "--port=" + port,
                        "--staticdir=" + staticDir,
                        "--loglevel=error",
                        "/usr/bin/sed",
                        "-u",
                        "s/^/echo: /")
                .redirectErrorStream(true)
                .redirectOutput(staticDir.resolveSibling("websocketd.log").toFile())
                .start();
        Websocketd w = new Websocketd(p, port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                w.close();
                throw new IllegalStateException("websocketd did not listen on 127.0.0.1:" + port + " within "
                        + START_TIMEOUT.toSeconds() + " s; see " + staticDir.resolveSibling("websocketd.log"));
            }
            Thread.sleep(50);
        }
        return w;
    }

    /** Returns the origin's URL, for an ingress rule's {@code service}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        ProcessTermination.terminate(process);
    }
}
