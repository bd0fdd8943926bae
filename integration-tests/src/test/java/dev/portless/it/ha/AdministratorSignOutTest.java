package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import dev.portless.it.harness.SignInStack.Echo;
import dev.portless.it.harness.TwoEdgeStack;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code connector revoke} at one edge signs a person out at both edges sharing PostgreSQL: their live
 * {@code access tcp} stream through the other edge ends with the sentence while another person's keeps flowing,
 * their old token opens nothing more, and a new sign-in works.
 */
@Timeout(180)
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class AdministratorSignOutTest {
    private static final int A = 0;
    private static final int B = 1;
    private static final String SENTENCE =
            "your session for " + TwoEdgeStack.APP + " ended: signed out by an administrator";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aRevokeAtOneEdgeEndsTheLiveStreamAtTheOtherAndTheIdentityMaySignInAgain() throws Exception {
        Path home = TempDirs.create("portless-signout");
        try (TwoEdgeStack stack = TwoEdgeStack.start()) {
            String alice = AppTokens.fresh(stack, "alice@example.com");
            String bob = AppTokens.fresh(stack, "bob@example.com");
            // Both streams go through edge B; the sign-out is made at edge A and reaches B through the store.
            String edgeB = "https://127.0.0.1:" + stack.edgePort(B);
            try (JavaProcess aliceTcp = accessTcp(stack, home.resolve("alice"), edgeB, alice, "alice@example.com");
                    JavaProcess bobTcp = accessTcp(stack, home.resolve("bob"), edgeB, bob, "bob@example.com");
                    Socket aliceSocket = connect(port(aliceTcp));
                    Socket bobSocket = connect(port(bobTcp))) {
                assertEquals("alice 1", echo(aliceSocket, "alice 1"));
                assertEquals("bob 1", echo(bobSocket, "bob 1"));

                JavaProcess revoke = JavaProcess.start(
                        "dev.portless.connector.ConnectorMain",
                        List.of(
                                "revoke",
                                "--user",
                                "Alice@example.com",
                                "--admin",
                                stack.adminAddress(A),
                                "--admin-secret-file",
                                stack.adminSecretFile(A).toString()),
                        Map.of());
                assertEquals(0, revoke.waitFor(WAIT), revoke.stderr());
                assertTrue(revoke.stdout().contains("Signed alice@example.com out of every app"), revoke.stdout());
                Instant signedOutAt = signedOutAt(revoke.stdout());

                IOException reset = assertThrows(IOException.class, () -> readUntilEnd(aliceSocket));
                assertTrue(
                        reset instanceof SocketException && reset.getMessage().contains("reset"),
                        "the local program must see a reset, not an end: " + reset);
                aliceTcp.awaitOutput(Pattern.compile(Pattern.quote(SENTENCE)), WAIT);
                stack.edge(B).awaitOutput(Pattern.compile("end=\"" + Pattern.quote(SENTENCE) + "\""), WAIT);

                assertEquals("bob 2", echo(bobSocket, "bob 2"), "another person's stream keeps flowing");
                assertEquals(
                        401, stack.echoThrough(stack.edgePort(A), alice, "x").status());
                assertEquals(
                        401, stack.echoThrough(stack.edgePort(B), alice, "x").status());
                stack.edge(B).awaitOutput(Pattern.compile("app token refused: .*signed out by an administrator"), WAIT);
                assertEquals(new Echo(101, "bob 3"), stack.echoThrough(stack.edgePort(A), bob, "bob 3"));

                // Not a ban: a sign-in after the sign-out's second gets a token that works at both edges.
                awaitClockPast(signedOutAt.plusSeconds(1));
                String again = AppTokens.fresh(stack, "alice@example.com");
                assertEquals(new Echo(101, "alice 2"), stack.echoThrough(stack.edgePort(B), again, "alice 2"));
                assertEquals(new Echo(101, "alice 3"), stack.echoThrough(stack.edgePort(A), again, "alice 3"));
            }
        } finally {
            TempDirs.delete(home);
        }
    }

    private static JavaProcess accessTcp(TwoEdgeStack stack, Path config, String edge, String token, String who)
            throws IOException {
        TokenCache.in(config)
                .store(new CachedToken(
                        edge, TwoEdgeStack.APP, token, Instant.now().plusSeconds(3600), who));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORTLESS_EDGE", edge);
        env.put("PORTLESS_EDGE_CA", stack.caFile().toString());
        env.put("PORTLESS_CONFIG_DIR", config.toString());
        env.put("PORTLESS_AGENT", "off");
        int port = FreePorts.next();
        JavaProcess p = JavaProcess.start(
                "dev.portless.access.AccessMain",
                List.of("tcp", "--hostname", TwoEdgeStack.APP, "--url", "127.0.0.1:" + port),
                env);
        p.awaitOutput(Pattern.compile("access: listening on"), WAIT);
        return p;
    }

    private static int port(JavaProcess access) {
        Matcher m = Pattern.compile("listening on [^\\s]*:(\\d+)").matcher(access.stderr() + access.stdout());
        assertTrue(m.find(), access.stderr());
        return Integer.parseInt(m.group(1));
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static String echo(Socket socket, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(out);
        socket.getOutputStream().flush();
        byte[] in = socket.getInputStream().readNBytes(out.length);
        return new String(in, StandardCharsets.UTF_8);
    }

    /** Reads until the stream ends: returns on a clean end (the test then fails), throws on a reset. */
    private static void readUntilEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // An echo of nothing: there is nothing to read but the end.
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the stream did not end within " + WAIT, e);
        }
    }

    private static Instant signedOutAt(String stdout) {
        Matcher m = Pattern.compile("as of (\\S+):").matcher(stdout);
        assertTrue(m.find(), stdout);
        return Instant.parse(m.group(1));
    }

    private static void awaitClockPast(Instant t) throws InterruptedException {
        while (!Instant.now().isAfter(t)) {
            Thread.sleep(Math.max(1, Duration.between(Instant.now(), t).toMillis() + 1));
        }
    }
}
