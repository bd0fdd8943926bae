package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.AgentForward;
import dev.portless.it.harness.InstalledAgent;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FaultProxy;
import dev.portless.it.peers.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * An agent's streams whose edge connection is cut (a reset, through the {@link FaultProxy} in front of the edge)
 * carry on: a forward's stream open across the cut resumes on a new connection to the same target connection,
 * and a new stream after the cut works, in the same forward of the same agent; an {@code access ssh} stream
 * with {@code PORTLESS_RESUME=on}, carried by the agent as the JVM path carries it, resumes bytes exact and
 * ends cleanly when its stdin ends.
 */
@Timeout(180)
// Mostly waiting across its cuts: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class AgentForwardCutTest {
    private static final String APP = "echo.portless.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aCutEdgeConnectionResumesTheOpenStreamAndTheForwardTakesNewOnes() throws Exception {
        try (Cut cut = Cut.start("portless-agent-cut-it")) {
            InstalledAgent agent = cut.agent();
            AgentForward forward = null;
            try {
                long agentPid = Long.parseLong(
                        Files.readString(agent.agentDir().resolve("agent.pid")).trim());
                forward = agent.forward(APP, FreePorts.next());
                try (Socket open = connect(forward.port())) {
                    assertEchoed(
                            open.getOutputStream(), open.getInputStream(), "before the cut\n", forward(forward, agent));
                    int dialed = cut.proxy().acceptedConnections();
                    cut.proxy().cutAll();
                    assertEchoed(
                            open.getOutputStream(), open.getInputStream(), "across the cut\n", forward(forward, agent));
                    forward.awaitStderr("resumed the stream to " + APP, TIMEOUT);
                    assertTrue(
                            cut.proxy().acceptedConnections() > dialed,
                            "the agent dialed the edge again after the cut");
                }
                try (Socket next = connect(forward.port())) {
                    assertEchoed(
                            next.getOutputStream(),
                            next.getInputStream(),
                            "a new stream after the cut\n",
                            forward(forward, agent));
                }
                // The resumed stream kept its one target connection; the new stream made the second.
                assertEquals(2, cut.echo().acceptedConnections(), "connections the echo target accepted");
                assertTrue(forward.process().isAlive(), "the front of the forward ended: " + forward.stderr());
                assertEquals(
                        agentPid,
                        Long.parseLong(Files.readString(agent.agentDir().resolve("agent.pid"))
                                .trim()),
                        "the same agent carries the forward");
            } finally {
                if (forward != null) {
                    forward.process().destroy();
                }
            }
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void anAgentSshStreamWithResumeOnSurvivesACut() throws Exception {
        try (Cut cut = Cut.start("portless-agent-ssh-cut-it")) {
            InstalledAgent agent = cut.agent();
            ProcessBuilder builder = new ProcessBuilder(agent.launcher(), "ssh", "--hostname", APP);
            // Its Java made unusable: only the agent can carry this stream.
            builder.environment().putAll(agent.withoutJava());
            Path err = Files.createTempFile(agent.work(), "access-ssh", ".err");
            Process front = builder.redirectError(err.toFile()).start();
            try {
                OutputStream toApp = front.getOutputStream();
                InputStream fromApp = front.getInputStream();
                Supplier<String> said = () -> read(err) + "\n--- agent ---\n" + agentLog(agent);
                assertEchoed(toApp, fromApp, "before the cut\n", said);
                int dialed = cut.proxy().acceptedConnections();
                cut.proxy().cutAll();
                assertEchoed(toApp, fromApp, "across the cut\n", said);
                assertTrue(cut.proxy().acceptedConnections() > dialed, "the agent dialed the edge again after the cut");
                // Once the stream runs its front carries bytes only: the agent's log says what the resume did.
                assertTrue(
                        agentLog(agent).contains("access: resumed the stream to " + APP),
                        "the agent's log names no resume:\n" + agentLog(agent));
                assertEquals(1, cut.echo().acceptedConnections(), "connections the echo target accepted");

                // stdin's end crosses to the target, whose end comes back: the front ends by itself, cleanly.
                toApp.close();
                assertEquals(-1, fromApp.read(), "bytes after the target's end");
                assertTrue(front.waitFor(30, TimeUnit.SECONDS), "the front outlived its stream");
                assertEquals(0, front.exitValue(), read(err));
            } finally {
                front.destroy();
            }
        }
    }

    /** An echo app behind a stack whose edge the agent reaches through a {@link FaultProxy}, resume on. */
    private record Cut(EchoServer echo, PortlessStack stack, FaultProxy proxy, InstalledAgent agent)
            implements AutoCloseable {
        static Cut start(String name) throws IOException {
            EchoServer echo = EchoServer.start();
            PortlessStack stack = null;
            FaultProxy proxy = null;
            try {
                stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start();
                proxy = FaultProxy.start(stack.edgePort());
                Map<String, String> env = new HashMap<>(stack.accessEnv());
                env.put("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port());
                env.put("PORTLESS_RESUME", "on");
                return new Cut(echo, stack, proxy, InstalledAgent.start(name, env));
            } catch (IOException | RuntimeException e) {
                if (proxy != null) {
                    proxy.close();
                }
                if (stack != null) {
                    stack.close();
                }
                echo.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            agent.close();
            proxy.close();
            stack.close();
            echo.close();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    private static void assertEchoed(OutputStream out, InputStream in, String text, Supplier<String> said)
            throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        out.write(sent);
        out.flush();
        byte[] back = in.readNBytes(sent.length);
        assertArrayEquals(sent, back, () -> "echo of \"" + text.trim() + "\" through the agent\n" + said.get());
    }

    private static Supplier<String> forward(AgentForward forward, InstalledAgent agent) {
        return () -> {
            try {
                return "--- access tcp ---\n" + forward.stderr() + "\n--- agent ---\n" + agentLog(agent);
            } catch (IOException e) {
                return e.toString();
            }
        };
    }

    private static String agentLog(InstalledAgent agent) {
        return read(agent.agentDir().resolve("agent.log"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
