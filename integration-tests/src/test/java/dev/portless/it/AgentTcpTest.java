package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.AgentForward;
import dev.portless.it.harness.InstalledAgent;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.Postgres;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code access tcp} through the installed launcher's agent path (its Java made unusable, so only the agent can
 * carry it): psql to a real PostgreSQL (a transaction, a COPY of a few MB up and down with its checksum), two
 * forwards of two apps in one agent, the forward gone once its command is killed while the agent lives on, and
 * a port in use refused with its sentence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
// Its processes, ports and agent directory are its own: runs in the second lane, beside the other classes
// (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class AgentTcpTest {
    private static final String DB = "db.portless.test";
    private static final String ECHO = "echo.portless.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int ROWS = 100_000;

    private Postgres postgres;
    private EchoServer echo;
    private PortlessStack stack;
    private Path work;
    private InstalledAgent agent;
    private Path agentDir;
    private Map<String, String> env;
    private AgentForward db;
    private AgentForward echoForward;

    @BeforeAll
    void installAndStart() throws IOException {
        postgres = Postgres.start();
        echo = EchoServer.start();
        stack = PortlessStack.builder()
                .app(DB, "tcp://127.0.0.1:" + postgres.port())
                .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                .build()
                .start();
        agent = InstalledAgent.start("portless-agent-tcp-it", stack.accessEnv());
        work = agent.work();
        agentDir = agent.agentDir();
        env = agent.env();
    }

    @AfterAll
    void stop() {
        for (AgentForward f : new AgentForward[] {db, echoForward}) {
            if (f != null) {
                f.process().destroyForcibly();
            }
        }
        if (agent != null) {
            agent.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(1)
    void psqlRunsATransactionAndCopiesAFewMegabytesBothWays() throws Exception {
        db = agent.forward(DB, FreePorts.next());
        // psql prints each statement's tag: the transaction began, did its work and committed.
        assertEquals(
                "BEGIN\nCREATE TABLE\nINSERT 0 1\nCOMMIT\n1",
                psql("begin; create table moved (n bigint, label text); insert into moved values (0, 'first');"
                                + " commit; select count(*) from moved")
                        .trim());

        Path up = work.resolve("rows.tsv");
        try (Writer w = Files.newBufferedWriter(up)) {
            for (int i = 1; i <= ROWS; i++) {
                w.write(i + "\tthrough-the-agent-" + Integer.toHexString(i * 7919) + "-" + "y".repeat(i % 23) + "\n");
            }
        }
        assertTrue(Files.size(up) > 3_000_000, "a few megabytes: " + Files.size(up));
        psql("\\copy moved from '" + up + "'");
        assertEquals(
                ROWS + 1 + "|" + (long) ROWS * (ROWS + 1) / 2,
                psql("select count(*), sum(n) from moved").trim());
        Path down = work.resolve("rows-back.tsv");
        psql("\\copy (select n, label from moved where n > 0 order by n) to '" + down + "'");
        assertEquals(sha256(up), sha256(down));
        assertTrue(db.stderr().contains("access: listening on 127.0.0.1:" + db.port() + " for " + DB), db.stderr());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(2)
    void twoForwardsOfTwoAppsShareOneAgent() throws Exception {
        long agentPid = agentPid();
        echoForward = agent.forward(ECHO, FreePorts.next());
        byte[] sent = "two forwards, one agent\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(sent, echoThrough(echoForward.port(), sent));
        assertEquals("1", psql("select 1").trim());
        assertEquals(agentPid, agentPid());
        ProcessResult status =
                Commands.run(List.of(access(), "agent", "status"), TIMEOUT, env).assertSuccess();
        assertTrue(status.stdout().contains("pid " + agentPid + ","), status.stdout());
        assertTrue(
                status.stdout().contains("forward: listening on 127.0.0.1:" + db.port() + " for " + DB),
                status.stdout());
        assertTrue(
                status.stdout().contains("forward: listening on 127.0.0.1:" + echoForward.port() + " for " + ECHO),
                status.stdout());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(3)
    void aPortInUseIsRefusedWithItsSentence() throws Exception {
        ProcessResult taken = Commands.run(
                List.of(access(), "tcp", "--hostname", ECHO, "--url", "127.0.0.1:" + db.port()),
                TIMEOUT,
                withoutJava());
        assertNotEquals(0, taken.exitCode(), taken.toString());
        assertTrue(
                taken.stderr().contains("access: cannot listen on 127.0.0.1:" + db.port() + ": ")
                        && taken.stderr().contains("; pick another --url port"),
                taken.toString());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(4)
    void aKilledCommandTakesItsForwardWithItAndTheAgentLivesOn() throws Exception {
        long agentPid = agentPid();
        db.process().destroy();
        assertTrue(db.process().waitFor(20, TimeUnit.SECONDS), "access tcp outlived SIGTERM");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (accepts(db.port()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(!accepts(db.port()), "the forward still listens after its command was killed");

        // A SIGKILL leaves the front's socat behind, which half-closes as its input ends: that ends it too.
        echoForward.process().destroyForcibly();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (accepts(echoForward.port()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(!accepts(echoForward.port()), "the forward still listens after its command was killed -9");

        assertTrue(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive).orElse(false), "the agent went too");
        ProcessResult status =
                Commands.run(List.of(access(), "agent", "status"), TIMEOUT, env).assertSuccess();
        assertTrue(!status.stdout().contains("forward:"), status.stdout());
        AgentForward again = agent.forward(ECHO, echoForward.port());
        try {
            byte[] sent = "the agent lives on\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(sent, echoThrough(again.port(), sent));
        } finally {
            again.process().destroy();
        }
    }

    private String psql(String sql) throws IOException {
        ProcessResult result = Commands.run(Postgres.psql(db.port(), sql), TIMEOUT);
        if (result.exitCode() != 0) {
            Path log = agentDir.resolve("agent.log");
            throw new AssertionError(result + "\n--- agent ---\n" + (Files.exists(log) ? Files.readString(log) : "")
                    + "\n--- connector ---\n" + stack.connector().stderr() + "\n--- postgres ---\n" + postgres.log());
        }
        return result.stdout();
    }

    private static byte[] echoThrough(int port, byte[] sent) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(sent);
            out.flush();
            InputStream in = s.getInputStream();
            return in.readNBytes(sent.length);
        }
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    private long agentPid() throws IOException {
        return Long.parseLong(Files.readString(agentDir.resolve("agent.pid")).trim());
    }

    private String access() {
        return agent.launcher();
    }

    /** The environment of a call that cannot start a JVM: only the agent can carry it. */
    private Map<String, String> withoutJava() {
        return agent.withoutJava();
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
