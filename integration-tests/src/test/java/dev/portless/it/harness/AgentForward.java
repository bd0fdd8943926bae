package dev.portless.it.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.ProcessTermination;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An {@code access tcp} command in the background whose only way to the edge is an {@link InstalledAgent}
 * (its Java made unusable): the front holds the agent's forward, and its stderr (what the forward says) is in
 * a file.
 */
public record AgentForward(Process process, Path stderrFile, int port) {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** Returns the forward of {@code app} on {@code 127.0.0.1:port}, once its listening line is out. */
    static AgentForward start(InstalledAgent agent, String app, int port) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        agent.launcher(), "tcp", "--hostname", app, "--url", "127.0.0.1:" + port)
                .redirectInput(new File("/dev/null"));
        builder.environment().putAll(agent.withoutJava());
        Path err = Files.createTempFile(agent.work(), "access-tcp", ".err");
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        AgentForward forward = new AgentForward(process, err, port);
        try {
            forward.awaitStderr("access: listening on", TIMEOUT);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            forward.stop();
            throw e;
        }
        return forward;
    }

    /** Stops the front and whatever it started (SIGTERM, then SIGKILL after 5 s). */
    public void stop() {
        ProcessTermination.terminate(process);
    }

    /** Returns what the front has printed so far. */
    public String stderr() throws IOException {
        return Files.readString(stderrFile);
    }

    /** Waits until the front has printed {@code text}, and fails with all it printed when it does not. */
    public void awaitStderr(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(text) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(stderr().contains(text), "expected \"" + text + "\" from access tcp, which printed: " + stderr());
    }
}
