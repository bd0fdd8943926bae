package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.InstalledAgent;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FaultProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@code access ssh} stream carried by the agent with {@code PORTLESS_RESUME=on}, as the JVM path carries
 * it: its edge connection cut (a reset, through the {@link FaultProxy} in front of the edge), the stream resumes
 * on the same target connection, bytes exact, and ends cleanly when its stdin ends.
 */
@Timeout(180)
class AgentSshCutTest {
    private static final String APP = "echo.portless.test";

    @Test
    void anAgentSshStreamWithResumeOnSurvivesACut() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start();
                FaultProxy proxy = FaultProxy.start(stack.edgePort())) {
            Map<String, String> env = new HashMap<>(stack.accessEnv());
            env.put("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port());
            env.put("PORTLESS_RESUME", "on");
            InstalledAgent agent = InstalledAgent.start("portless-agent-ssh-cut-it", env);
            Process front = null;
            try {
                ProcessBuilder builder = new ProcessBuilder(agent.launcher(), "ssh", "--hostname", APP);
                // Its Java made unusable: only the agent can carry this stream.
                builder.environment().putAll(agent.withoutJava());
                Path err = Files.createTempFile(agent.work(), "access-ssh", ".err");
                front = builder.redirectError(err.toFile()).start();
                OutputStream toApp = front.getOutputStream();
                InputStream fromApp = front.getInputStream();
                assertEchoed(toApp, fromApp, "before the cut\n", err, agent);
                int dialed = proxy.acceptedConnections();
                proxy.cutAll();
                assertEchoed(toApp, fromApp, "across the cut\n", err, agent);
                assertTrue(proxy.acceptedConnections() > dialed, "the agent dialed the edge again after the cut");
                assertTrue(
                        agentLog(agent).contains("access: resumed the stream to " + APP),
                        "the agent's log names no resume:\n" + agentLog(agent));
                assertEquals(1, echo.acceptedConnections(), "connections the echo target accepted");

                // stdin's end crosses to the target, whose end comes back: the front ends by itself, cleanly.
                toApp.close();
                assertEquals(-1, fromApp.read(), "bytes after the target's end");
                assertTrue(front.waitFor(30, TimeUnit.SECONDS), "the front outlived its stream");
                assertEquals(0, front.exitValue(), Files.readString(err));
            } finally {
                if (front != null) {
                    front.destroy();
                }
                agent.close();
            }
        }
    }

    private static void assertEchoed(
            OutputStream toApp, InputStream fromApp, String text, Path err, InstalledAgent agent) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        toApp.write(sent);
        toApp.flush();
        byte[] back = fromApp.readNBytes(sent.length);
        assertArrayEquals(sent, back, () -> {
            try {
                return "echo of \"" + text.trim() + "\" through the agent's ssh stream\n--- access ssh ---\n"
                        + Files.readString(err) + "\n--- agent ---\n" + agentLog(agent);
            } catch (IOException e) {
                return e.toString();
            }
        });
    }

    private static String agentLog(InstalledAgent agent) throws IOException {
        return Files.readString(agent.agentDir().resolve("agent.log"));
    }
}
