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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An agent's forward whose edge connection is cut (a reset, through the {@link FaultProxy} in front of the edge)
 * carries on: the stream open across the cut resumes on a new connection to the same target connection, and a
 * new stream after the cut works, in the same forward of the same agent.
 */
@Timeout(180)
class AgentForwardCutTest {
    private static final String APP = "echo.portless.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aCutEdgeConnectionResumesTheOpenStreamAndTheForwardTakesNewOnes() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start();
                FaultProxy proxy = FaultProxy.start(stack.edgePort())) {
            Map<String, String> env = new HashMap<>(stack.accessEnv());
            env.put("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port());
            env.put("PORTLESS_RESUME", "on");
            InstalledAgent agent = InstalledAgent.start("portless-agent-cut-it", env);
            AgentForward forward = null;
            try {
                long agentPid = Long.parseLong(
                        Files.readString(agent.agentDir().resolve("agent.pid")).trim());
                forward = agent.forward(APP, FreePorts.next());
                try (Socket open = connect(forward.port())) {
                    assertEchoed(open, "before the cut\n", forward, agent);
                    int dialed = proxy.acceptedConnections();
                    proxy.cutAll();
                    assertEchoed(open, "across the cut\n", forward, agent);
                    forward.awaitStderr("resumed the stream to " + APP, TIMEOUT);
                    assertTrue(proxy.acceptedConnections() > dialed, "the agent dialed the edge again after the cut");
                }
                try (Socket next = connect(forward.port())) {
                    assertEchoed(next, "a new stream after the cut\n", forward, agent);
                }
                // The resumed stream kept its one target connection; the new stream made the second.
                assertEquals(2, echo.acceptedConnections(), "connections the echo target accepted");
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
                agent.close();
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    private static void assertEchoed(Socket socket, String text, AgentForward forward, InstalledAgent agent)
            throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        out.write(sent);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] back = in.readNBytes(sent.length);
        assertArrayEquals(sent, back, () -> {
            try {
                return "echo of \"" + text.trim() + "\" through the agent's forward\n--- access tcp ---\n"
                        + forward.stderr() + "\n--- agent ---\n"
                        + Files.readString(agent.agentDir().resolve("agent.log"));
            } catch (IOException e) {
                return e.toString();
            }
        });
    }
}
