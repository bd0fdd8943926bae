package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.InstalledAgent;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * OpenSSH through the installed launcher's agent path: {@code access agent --daemon} from a
 * {@code scripts/install --prefix} tree, then ssh and scp whose ProxyCommand starts no JVM (its Java is made
 * unusable to prove it), twenty at once, a wrong secret and another local user (on the unix socket and on the
 * loopback port) refused with a sentence, an endpoint file the live agent did not write ignored, and
 * an agent killed mid-session ending the session with a sentence while the next call starts a new agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class AgentPathTest {
    private static final String APP = "ssh.portless.test";
    private static final String OTHER_USER = "portless-agent-peer";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private Sshd sshd;
    private PortlessStack stack;
    private Path work;
    private InstalledAgent agent;
    private Path agentDir;
    private Map<String, String> env;

    @BeforeAll
    void installAndStart() throws IOException {
        // Twenty logins at once exceed sshd's default of 10 unauthenticated connections (MaxStartups).
        sshd = Sshd.start(List.of("MaxStartups 100"), APP);
        stack = PortlessStack.builder()
                .app(APP, "ssh://127.0.0.1:" + sshd.port())
                .build()
                .start();
        agent = InstalledAgent.start("portless-agent-it", stack.accessEnv());
        work = agent.work();
        agentDir = agent.agentDir();
        env = agent.env();
    }

    @AfterAll
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private String access() {
        return agent.launcher();
    }

    private String proxyCommand() {
        return access() + " ssh --hostname %h";
    }

    /** The environment of a call that cannot start a JVM: only the agent can carry it. */
    private Map<String, String> withoutJava() {
        return agent.withoutJava();
    }

    @Test
    @Order(1)
    void sshAndScpGoThroughTheAgentWithoutAJvm() throws IOException {
        List<String> ssh = new ArrayList<>(patient(sshd.sshArgs(proxyCommand(), APP)));
        ssh.add("echo hello-through-the-agent");
        ProcessResult result = Commands.run(ssh, TIMEOUT, withoutJava()).assertSuccess();
        assertEquals("hello-through-the-agent\n", result.stdout());

        byte[] data = new byte[8 << 20];
        new Random(15).nextBytes(data);
        Path up = work.resolve("up.bin");
        Files.write(up, data);
        String remote = work.resolve("remote.bin").toString();
        List<String> put = new ArrayList<>(patient(sshd.scpArgs(proxyCommand(), APP)));
        put.add(up.toString());
        put.add(sshd.scpRemote(APP, remote));
        Commands.run(put, TIMEOUT, withoutJava()).assertSuccess();
        Path down = work.resolve("down.bin");
        List<String> get = new ArrayList<>(patient(sshd.scpArgs(proxyCommand(), APP)));
        get.add(sshd.scpRemote(APP, remote));
        get.add(down.toString());
        Commands.run(get, TIMEOUT, withoutJava()).assertSuccess();
        assertArrayEquals(data, Files.readAllBytes(down));
    }

    @Test
    @Order(2)
    void twentyProxyCommandsAtOnceAllFinish() {
        List<String> ssh = new ArrayList<>(patient(sshd.sshArgs(proxyCommand(), APP)));
        ssh.add("true");
        long start = System.nanoTime();
        List<CompletableFuture<ProcessResult>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> Commands.run(ssh, TIMEOUT, withoutJava())));
        }
        for (CompletableFuture<ProcessResult> call : calls) {
            call.join().assertSuccess();
        }
        System.out.printf(
                "AgentPathTest: 20 ssh true at once through the agent in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Test
    @Order(3)
    void aWrongSecretIsRefusedWithASentenceAndTheJvmCarriesTheCall() throws IOException {
        Path secretFile = agentDir.resolve("agent.secret");
        String secret = Files.readString(secretFile);
        Files.writeString(secretFile, "f".repeat(64) + "\n");
        try {
            List<String> ssh = new ArrayList<>(patient(sshd.sshArgs(proxyCommand(), APP)));
            ssh.add("echo carried-by-the-jvm");
            ProcessResult result = Commands.run(ssh, TIMEOUT, env).assertSuccess();
            assertEquals("carried-by-the-jvm\n", result.stdout());
            assertTrue(
                    result.stderr()
                            .contains("access: the agent refused the secret; its endpoint file is stale or was"
                                    + " replaced; running without the agent."),
                    result.stderr());
        } finally {
            Files.writeString(secretFile, secret);
        }
    }

    @Test
    @Order(3)
    void anEndpointFileNotWrittenByTheLiveAgentIsIgnoredAndTheJvmCarriesTheCall() throws IOException {
        Path endpointFile = agentDir.resolve("agent.endpoint");
        String endpoint = Files.readString(endpointFile);
        String[] fields = endpoint.trim().split(" ");
        try (ServerSocketChannel impostor = ServerSocketChannel.open()) {
            impostor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            impostor.configureBlocking(false);
            int port = ((InetSocketAddress) impostor.getLocalAddress()).getPort();
            // The agent's pid with another start time: what a file looks like after the agent died and its pid
            // went to another process, while someone else took its port.
            Files.writeString(endpointFile, port + " " + fields[1] + " 1" + fields[2] + "\n");
            List<String> ssh = new ArrayList<>(patient(sshd.sshArgs(proxyCommand(), APP)));
            ssh.add("echo carried-by-the-jvm");
            ProcessResult result = Commands.run(ssh, TIMEOUT, env).assertSuccess();
            assertEquals("carried-by-the-jvm\n", result.stdout());
            assertNull(impostor.accept(), "the front connected to a port the live agent did not write");
        } finally {
            Files.writeString(endpointFile, endpoint);
        }
    }

    @Test
    @Order(4)
    void anotherLocalUserIsRefused() throws IOException {
        Assumptions.assumeTrue(isRoot() || !"true".equals(System.getenv("CI")), "CI runs as root");
        Assumptions.assumeTrue(isRoot(), "creating another local user needs root");
        createOtherUser();
        Path socket = agentDir.resolve("agent.sock");
        Path request = work.resolve("other-user-request");
        Files.writeString(request, "portless-agent 1\nsecret " + "0".repeat(64) + "\ngo\n");
        Files.setPosixFilePermissions(request, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> asOther =
                List.of("runuser", "-u", OTHER_USER, "--", "socat", "-t", "5", "-", "UNIX-CONNECT:" + socket);

        // The 0700 directory keeps the other user away from the socket altogether.
        ProcessResult blocked = Commands.run(asOther, TIMEOUT, Map.of(), request);
        assertTrue(blocked.exitCode() != 0 && blocked.stderr().contains("Permission denied"), blocked.toString());

        // With the directory and socket opened up (a mistake, or a copied file), the peer check still refuses.
        Path runtime = agentDir.getParent();
        var runtimeMode = Files.getPosixFilePermissions(runtime);
        var dirMode = Files.getPosixFilePermissions(agentDir);
        var socketMode = Files.getPosixFilePermissions(socket);
        try {
            Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(agentDir, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
            ProcessResult refused = Commands.run(asOther, TIMEOUT, Map.of(), request);
            String uid = Commands.run(List.of("id", "-u", OTHER_USER), TIMEOUT)
                    .stdout()
                    .trim();
            assertEquals(
                    "refused the agent serves its own user (uid 0) only, and this connection came from uid " + uid
                            + "\n",
                    refused.stdout(),
                    refused.toString());
        } finally {
            Files.setPosixFilePermissions(socket, socketMode);
            Files.setPosixFilePermissions(agentDir, dirMode);
            Files.setPosixFilePermissions(runtime, runtimeMode);
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    @Order(4)
    void anotherLocalUserIsRefusedOnTheLoopbackPort() throws IOException {
        Assumptions.assumeTrue(isRoot() || !"true".equals(System.getenv("CI")), "CI runs as root");
        Assumptions.assumeTrue(isRoot(), "creating another local user needs root");
        createOtherUser();
        // Any local user may connect to a loopback port; what admits a front there is the secret, which only
        // the owner can read.
        String port = Files.readString(agentDir.resolve("agent.endpoint")).split(" ")[0];
        Path request = Files.createTempFile("other-user-request", "");
        try {
            Files.writeString(request, "portless-agent 1\nsecret " + "0".repeat(64) + "\narg ssh\ngo\n");
            Files.setPosixFilePermissions(request, PosixFilePermissions.fromString("rw-r--r--"));
            ProcessResult refused = Commands.run(
                    List.of("runuser", "-u", OTHER_USER, "--", "socat", "-t", "5", "-", "TCP:127.0.0.1:" + port),
                    TIMEOUT,
                    Map.of(),
                    request);
            assertEquals(
                    "refused the agent refused the secret; its endpoint file is stale or was replaced\n",
                    refused.stdout(),
                    refused.toString());
        } finally {
            Files.delete(request);
        }
    }

    @Test
    @Order(5)
    void anAgentKilledMidSessionEndsItWithASentenceAndTheNextCallStartsANewOne() throws Exception {
        long pid =
                Long.parseLong(Files.readString(agentDir.resolve("agent.pid")).trim());
        List<String> ssh = new ArrayList<>(patient(sshd.sshArgs(proxyCommand(), APP)));
        ssh.add("echo started; sleep 60");
        ProcessBuilder builder = new ProcessBuilder(ssh).redirectInput(new File("/dev/null"));
        builder.environment().putAll(withoutJava());
        Path out = work.resolve("killed.out");
        Path err = work.resolve("killed.err");
        Process session =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("started") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(out).contains("started"), Files.readString(err));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertTrue(session.waitFor(20, TimeUnit.SECONDS), "the session outlived its agent");
        // ssh ends as soon as the stream does; its front says why right after.
        String stopped = "access: the agent (pid " + pid + ") stopped during the stream to the app; the next"
                + " `access ssh` starts a new one.";
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(err).contains(stopped) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(err).contains(stopped), Files.readString(err));

        // The next call finds a stale socket, runs on the JVM and starts a new agent for the one after.
        List<String> again = new ArrayList<>(patient(sshd.sshArgs(proxyCommand(), APP)));
        again.add("echo after");
        assertEquals(
                "after\n", Commands.run(again, TIMEOUT, env).assertSuccess().stdout());
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ProcessResult status;
        do {
            Thread.sleep(200);
            status = Commands.run(List.of(access(), "agent", "status"), TIMEOUT, env);
        } while (status.exitCode() != 0 && System.nanoTime() < deadline);
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(!status.stdout().contains("pid " + pid + ","), status.stdout());
        assertEquals(
                "after\n",
                Commands.run(again, TIMEOUT, withoutJava()).assertSuccess().stdout());
    }

    /**
     * Returns {@code args} with a longer ssh connect timeout: the JVM fallback and twenty calls at once on a
     * shared two-core machine may take longer than the 10 s the helper allows for the banner.
     */
    private static List<String> patient(List<String> args) {
        List<String> a = new ArrayList<>(args);
        a.replaceAll(s -> s.startsWith("ConnectTimeout=") ? "ConnectTimeout=60" : s);
        return a;
    }

    private static void createOtherUser() {
        if (Commands.run(List.of("id", "-u", OTHER_USER), TIMEOUT).exitCode() != 0) {
            Commands.run(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_USER), TIMEOUT)
                    .assertSuccess();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
