package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.demo.DemoCertificates;
import dev.portless.connector.ingress.IngressRules;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.ResettingServer;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Every way a user's or an operator's set-up can keep a stream from opening or cut it (a wrong secret, an
 * unknown app, no ingress rule, no connector, a target that refuses, does not resolve, does not answer or resets,
 * an edge certificate not trusted), each checked for the exact sentence {@code access} prints and for the stack
 * still carrying a good stream afterwards.
 *
 * <p>The connector runs with {@code -Djdk.net.hosts.file} pointing at a file that names loopback only,
 * so a target name that does not resolve fails on this machine without a DNS query leaving it.
 */
// Mostly waiting for short-lived access JVMs: runs in the second lane, beside the other classes
// (junit-platform.properties); its one timing bound times the connector, not a JVM's start.
@Execution(ExecutionMode.CONCURRENT)
class FailureSentencesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ECHO = "echo.portless.test";
    private static final String REFUSED = "refused.portless.test";
    private static final String UNRESOLVED = "unresolved.portless.test";
    private static final String SLOW = "slow.portless.test";
    private static final String NO_RULE = "norule.portless.test";
    private static final String RESET = "reset.portless.test";
    private static final String PAYLOAD = AccessSshRun.PAYLOAD;
    /** The connector's debug line for a stream to {@link #SLOW} that passed its token check, with its time. */
    private static final Pattern SLOW_STREAM_AT_CONNECTOR =
            Pattern.compile("^(\\S+) .*stream=\\S+ app=" + Pattern.quote(SLOW) + " identity=.* token verified");
    /** The edge's line for a stream to {@link #SLOW} that the connector refused because the dial timed out. */
    private static final Pattern SLOW_STREAM_REFUSED =
            Pattern.compile("app=" + Pattern.quote(SLOW) + " .*refused: " + StreamError.TARGET_TIMEOUT.code());
    /**
     * The connector's log time stamps, wall-clock milliseconds as the test's {@link Instant#now} reads them; no
     * quote or space in it, as JAVA_TOOL_OPTIONS would take those apart.
     */
    private static final String LOG_TIME_FORMAT = "yyyy-MM-dd/HH:mm:ss.SSSXXX";

    private static EchoServer echo;
    private static FullBacklog fullBacklog;
    private static ResettingServer resetter;
    private static int closedPort;
    private static Path scratch;
    private static PortlessStack stack;
    private static JavaProcess connector;

    @BeforeAll
    static void startStack() throws IOException {
        echo = EchoServer.start();
        fullBacklog = FullBacklog.start();
        resetter = ResettingServer.start();
        closedPort = FreePorts.next();
        scratch = Files.createTempDirectory("portless-failure-sentences");
        Files.writeString(scratch.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
        stack = PortlessStack.builder()
                .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                .app(REFUSED, "tcp://127.0.0.1:" + closedPort)
                .app(UNRESOLVED, "tcp://no-such-host.invalid:22")
                .appWithoutIngress(SLOW)
                .ingressYaml("  - hostname: " + SLOW + "\n    service: tcp://127.0.0.1:" + fullBacklog.port()
                        + "\n    connect-timeout: 500ms")
                .appWithoutIngress(NO_RULE)
                .app(RESET, "tcp://127.0.0.1:" + resetter.port())
                .build();
        stack.startEdge();
        connector = startConnector();
    }

    @AfterAll
    static void stopStack() throws IOException {
        if (connector != null) {
            connector.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (fullBacklog != null) {
            fullBacklog.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (resetter != null) {
            resetter.close();
        }
        if (scratch != null) {
            TempDirs.delete(scratch);
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void wrongServiceSecret() {
        Map<String, String> env = new HashMap<>(stack.accessEnv());
        env.remove("PORTLESS_SERVICE_TOKEN_SECRET_FILE");
        env.put("PORTLESS_SERVICE_TOKEN_SECRET", "not-the-secret");

        assertRefused(
                ECHO,
                env,
                "The service token " + stack.clientId() + " was refused: unknown client id or wrong secret.");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void unknownHostname() {
        assertRefused(
                "nope.portless.test",
                stack.accessEnv(),
                "Portless has no app at nope.portless.test; check --hostname.");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void noIngressRuleForTheApp() {
        assertRefused(
                NO_RULE,
                stack.accessEnv(),
                "No ingress rule of the connector matches " + NO_RULE + "; add one to its connector.yml.");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void noConnectorOnline() {
        int disconnectsBefore = count(edgeOutput(), "tunnel tests has 0 connection(s)");
        connector.close();
        connector = null;
        try {
            awaitCount(() -> count(edgeOutput(), "tunnel tests has 0 connection(s)"), disconnectsBefore + 1);

            assertRefused(
                    ECHO,
                    stack.accessEnv(),
                    "No connector is online for " + ECHO + " (tunnel tests); start "
                            + "`connector run` for that tunnel or check its logs.");
        } finally {
            connector = startConnector();
        }
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void targetRefuses() {
        assertRefused(
                REFUSED,
                stack.accessEnv(),
                "The target tcp://127.0.0.1:" + closedPort
                        + " refused the connection; check that its service is running.");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void targetNameDoesNotResolve() {
        assertRefused(
                UNRESOLVED,
                stack.accessEnv(),
                "The target host no-such-host.invalid does not resolve on the "
                        + "connector's machine; check the ingress rule for " + UNRESOLVED + ".");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void targetDoesNotAnswerWithinTheConnectTimeout() {
        CompletableFuture<ProcessResult> run =
                CompletableFuture.supplyAsync(() -> AccessSshRun.run(stack, SLOW, stack.accessEnv(), null));
        Duration dial;
        try {
            // Timed from the stream passing the connector's token check to the edge's refusal line: the dial and
            // the answer's way back, not the access JVM's start, which a loaded machine can stretch for seconds.
            Instant atConnector = loggedAt(connector.awaitOutput(SLOW_STREAM_AT_CONNECTOR, TIMEOUT));
            stack.edge().awaitOutput(SLOW_STREAM_REFUSED, TIMEOUT);
            dial = Duration.between(atConnector, Instant.now());
        } finally {
            run.exceptionally(e -> null).join();
        }
        assertRefused(
                run.join(),
                "The target tcp://127.0.0.1:" + fullBacklog.port()
                        + " did not answer within 500 ms; check that it is reachable from the connector.");
        Duration bound = IngressRules.DEFAULT_CONNECT_TIMEOUT.dividedBy(2);
        assertTrue(
                dial.compareTo(bound) < 0,
                "the 500 ms rule timeout applies, not the " + IngressRules.DEFAULT_CONNECT_TIMEOUT.toSeconds()
                        + " s default: the connector took " + dial.toMillis() + " ms (bound " + bound.toMillis()
                        + " ms)");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void edgeCertificateNotTrusted(@TempDir Path otherCa) {
        DemoCertificates.write(otherCa, List.of("localhost"), List.of("127.0.0.1"));
        Map<String, String> env = new HashMap<>(stack.accessEnv());
        env.put("PORTLESS_EDGE_CA", otherCa.resolve("ca.pem").toString());

        assertRefused(
                ECHO,
                env,
                "The edge's TLS certificate at " + stack.edgeUrl() + " is not trusted; pass "
                        + "--edge-ca (or PORTLESS_EDGE_CA) with the CA that signed it.");
        assertGoodStreamWorks();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void targetResetMidStreamEndsWithAReason() throws IOException {
        // stdin stays open, as under ssh: the stream is cut by the target, not ended by the client.
        try (JavaProcess access = JavaProcess.start(
                "dev.portless.access.AccessMain", List.of("ssh", "--hostname", RESET), stack.accessEnv())) {
            access.stdin().write(PAYLOAD.getBytes(StandardCharsets.US_ASCII));
            access.stdin().flush();

            int exit = access.waitFor(TIMEOUT);

            // The connector's reason crosses edge and CLI: the target's own failure, a reset.
            String stderr = access.stderr();
            assertEquals("access: the stream to " + RESET + " ended: the target reset the connection\n", stderr);
            assertEquals(1, exit);
            assertEquals("", access.stdout());
        }
        assertGoodStreamWorks();
    }

    private static void assertRefused(String hostname, Map<String, String> env, String sentence) {
        assertRefused(AccessSshRun.run(stack, hostname, env, null), sentence);
    }

    private static void assertRefused(ProcessResult r, String sentence) {
        assertEquals("access: " + sentence + "\n", r.stderr(), r::toString);
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.stdout(), r::toString);
    }

    private static void assertGoodStreamWorks() {
        AccessSshRun.assertGoodStream(stack, ECHO);
    }

    /** Returns a connector for the stack, started here rather than by the stack so it gets the hosts file. */
    private static JavaProcess startConnector() {
        JavaProcess p = JavaProcess.startServer(
                "dev.portless.connector.ConnectorMain",
                List.of("run", "--config", stack.connectorConfig().toString()),
                Map.of(
                        "JAVA_TOOL_OPTIONS",
                        "-Djdk.net.hosts.file=" + scratch.resolve("hosts")
                                + " -Dorg.slf4j.simpleLogger.showDateTime=true"
                                + " -Dorg.slf4j.simpleLogger.dateTimeFormat=" + LOG_TIME_FORMAT
                                + " -Dorg.slf4j.simpleLogger.log.dev.portless.connector.run.StreamGate=debug"));
        try {
            p.awaitOutput(Pattern.compile("registered tunnel tests"), TIMEOUT);
        } catch (RuntimeException | Error e) {
            // No field holds it yet, so the class's teardown would not stop it.
            p.close();
            throw e;
        }
        return p;
    }

    private static Instant loggedAt(MatchResult line) {
        return OffsetDateTime.parse(line.group(1), DateTimeFormatter.ofPattern(LOG_TIME_FORMAT))
                .toInstant();
    }

    private static String edgeOutput() {
        return stack.edge().stdout() + stack.edge().stderr();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitCount(IntSupplier current, int atLeast) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (current.getAsInt() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the edge did not notice the connector leave:\n" + edgeOutput());
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A loopback listener whose accept queue is full: it never accepts, and a new connection's SYN is
     * dropped, so dialing it times out without any packet leaving the machine.
     */
    static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        private FullBacklog(ServerSocket server) {
            this.server = server;
        }

        static FullBacklog start() throws IOException {
            FullBacklog b = new FullBacklog(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port()), 300);
                    b.fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return b;
                }
            }
            b.close();
            throw new AssertionError("a listener with backlog 1 still accepted 16 connections; cannot make a"
                    + " target that times out on loopback");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }
}
