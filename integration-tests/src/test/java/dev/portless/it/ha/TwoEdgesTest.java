package dev.portless.it.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.SignInStack.Echo;
import dev.portless.it.harness.TwoEdgeStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Two edges sharing PostgreSQL behind HAProxy, two connectors dialing both: what a person signs in to at one edge
 * holds at the other, what is single-use is single-use across both (codes and device codes), a PIN asked for at one
 * is answered at the other with the tries counted once, wrong device codes tried at both use up one budget, and the
 * service survives a connector killed
 * under load, the database restarted under the edges, and finally an edge killed outright, whose open streams
 * resume through the other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Its processes and ports are its own: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class TwoEdgesTest {
    private static final int A = 0;
    private static final int B = 1;

    private static TwoEdgeStack stack;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        stack = TwoEdgeStack.start();
        System.out.printf("two edges, two connectors, HAProxy and PostgreSQL started in %d ms%n", millisSince(t));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            long t = System.nanoTime();
            stack.close();
            System.out.printf("stopped in %d ms%n", millisSince(t));
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(1)
    void aBrowserSessionMadeOnOneEdgeWorksOnTheOther() {
        String session = stack.signIn(stack.edgePort(A), "alice@example.com");
        HttpResponse<String> launcher = stack.get(stack.edgePort(B), "/", Optional.of(session));
        assertEquals(200, launcher.statusCode(), launcher.body());
        assertTrue(launcher.body().contains("alice@example.com"), launcher.body());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(2)
    void aTokenMintedByOneEdgeOpensStreamsThroughEitherAndItsCodeIsSpentOnceAcrossBoth() {
        String session = stack.signIn(stack.edgePort(A), "bob@example.com");
        AppTokens.Pkce pkce = new AppTokens.Pkce();
        String code = stack.authorizationCode(stack.edgePort(A), session, pkce.challenge);
        HttpResponse<String> first = stack.redeem(stack.edgePort(B), code, pkce.verifier);
        assertEquals(200, first.statusCode(), first.body());
        String token = AppTokens.accessToken(first);
        // Minted at B, checked at A and B and at the connectors, which fetch the JWKS through HAProxy.
        for (int port : new int[] {stack.edgePort(A), stack.edgePort(B), stack.lbPort()}) {
            Echo echo = stack.echoThrough(port, token, "hello " + port);
            assertEquals(new Echo(101, "hello " + port), echo);
        }
        HttpResponse<String> replay = stack.redeem(stack.edgePort(A), code, pkce.verifier);
        assertEquals(400, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("already used"), replay.body());
        // The replay at A revoked what the code's session obtained at B: B refuses it within its refresh.
        assertEquals(401, awaitRefused(stack.edgePort(B), token), "a token revoked at A must be refused at B");
        assertEquals(401, stack.echoThrough(stack.edgePort(A), token, "x").status());
        HttpResponse<String> ended = stack.get(stack.edgePort(B), "/", Optional.of(session));
        assertTrue(
                ended.headers().firstValue("Location").orElse("").startsWith("/signin"),
                "the replayed code's session must be ended at B too: " + ended.statusCode() + " " + ended.headers());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(3)
    void aDeviceCodeApprovedAtOneEdgeIsRedeemedAtTheOtherOnceAndRefusedAfterwards() {
        HttpResponse<String> started = stack.post(
                stack.edgePort(A),
                "/oauth/device_authorization",
                "",
                Map.of("client_id", "portless-access", "app", TwoEdgeStack.APP));
        assertEquals(200, started.statusCode(), started.body());
        String deviceCode = field(started.body(), "device_code");
        String userCode = field(started.body(), "user_code");
        String session = stack.signIn(stack.edgePort(B), "ivan@example.com");
        HttpResponse<String> entry =
                stack.get(stack.edgePort(A), "/device?user_code=" + userCode, Optional.of(session));
        String csrf = TwoEdgeStack.csrf(entry.body());
        HttpResponse<String> confirm = stack.post(
                stack.edgePort(B), "/device", Optional.of(session), Map.of("csrf", csrf, "user_code", userCode));
        assertTrue(confirm.body().contains(TwoEdgeStack.APP), confirm.statusCode() + " " + confirm.body());
        HttpResponse<String> approved = stack.post(
                stack.edgePort(A),
                "/device/approve",
                Optional.of(session),
                Map.of("csrf", csrf, "user_code", userCode, "decision", "allow"));
        assertEquals(200, approved.statusCode(), approved.body());
        HttpResponse<String> first = pollDevice(stack.edgePort(B), deviceCode);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(
                new Echo(101, "device"), stack.echoThrough(stack.lbPort(), AppTokens.accessToken(first), "device"));
        HttpResponse<String> replay = pollDevice(stack.edgePort(A), deviceCode);
        assertEquals(400, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("already used"), replay.body());
        HttpResponse<String> again = pollDevice(stack.edgePort(B), deviceCode);
        assertTrue(again.body().contains("already used"), "refused at either edge: " + again.body());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(4)
    void aPinAskedForAtOneEdgeShowsItsTriesLeftAtBothAndIsAnsweredAtTheOther() {
        String email = "judy@example.com";
        HttpResponse<String> page = stack.get(stack.edgePort(A), "/signin", "");
        String anonymous = TwoEdgeStack.cookie(page).orElseThrow();
        String csrf = TwoEdgeStack.csrf(page.body());
        HttpResponse<String> sent = stack.post(
                stack.edgePort(A),
                "/signin/pin",
                "__Host-portless-session=" + anonymous,
                Map.of("csrf", csrf, "email", email, "return", "/"));
        assertEquals(303, sent.statusCode(), sent.body());
        String cookies = "__Host-portless-session=" + anonymous + "; __Host-portless-pin="
                + setCookie(sent, "__Host-portless-pin");
        String right = stack.pinFor(email);
        // The anonymous session and its CSRF token, made at A, are known at B.
        HttpResponse<String> wrong = stack.post(
                stack.edgePort(B),
                "/signin/pin/code",
                cookies,
                Map.of("csrf", csrf, "pin", right.equals("000000") ? "111111" : "000000"));
        assertTrue(wrong.body().contains("4 attempts left."), wrong.statusCode() + " " + wrong.body());
        for (int edge : new int[] {A, B}) {
            HttpResponse<String> reload = stack.get(stack.edgePort(edge), "/signin/pin/code", cookies);
            assertTrue(reload.body().contains("4 attempts left."), "edge " + edge + ": " + reload.body());
        }
        HttpResponse<String> done =
                stack.post(stack.edgePort(B), "/signin/pin/code", cookies, Map.of("csrf", csrf, "pin", right));
        String session = TwoEdgeStack.cookie(done)
                .orElseThrow(() -> new AssertionError("no signed-in cookie: " + done.statusCode() + " " + done.body()));
        HttpResponse<String> launcher = stack.get(stack.edgePort(A), "/", Optional.of(session));
        assertTrue(launcher.body().contains(email), launcher.body());
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(5)
    void wrongDeviceCodesSplitOverBothEdgesUseUpOneBudget() {
        HttpResponse<String> started = stack.post(
                stack.edgePort(A),
                "/oauth/device_authorization",
                "",
                Map.of("client_id", "portless-access", "app", TwoEdgeStack.APP));
        String real = field(started.body(), "user_code");
        String session = stack.signIn(stack.edgePort(B), "mallory@example.com");
        String csrf = TwoEdgeStack.csrf(
                stack.get(stack.edgePort(A), "/device", Optional.of(session)).body());
        String wrong = real.startsWith("B") ? "CCCC-CCCC" : "BBBB-BBBB";
        for (int left = 4; left >= 0; left--) {
            int edge = left % 2 == 0 ? A : B;
            HttpResponse<String> page = stack.post(
                    stack.edgePort(edge), "/device", Optional.of(session), Map.of("csrf", csrf, "user_code", wrong));
            assertTrue(
                    page.body().contains(left + (left == 1 ? " try left." : " tries left.")),
                    "edge " + edge + ": " + page.body());
        }
        for (int edge : new int[] {A, B}) {
            HttpResponse<String> blocked = stack.post(
                    stack.edgePort(edge), "/device", Optional.of(session), Map.of("csrf", csrf, "user_code", real));
            assertTrue(
                    blocked.body().contains("Too many wrong codes; wait 15 minutes"),
                    "edge " + edge + " must refuse even the right code: " + blocked.body());
        }
    }

    private static HttpResponse<String> pollDevice(int port, String deviceCode) {
        return stack.post(
                port,
                "/oauth/token",
                "",
                Map.of(
                        "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                        "device_code", deviceCode,
                        "client_id", "portless-access"));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), "no " + name + " in " + json);
        return m.group(1);
    }

    private static String setCookie(HttpResponse<String> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(name + "="))
                .map(h -> h.substring(name.length() + 1, h.indexOf(';') < 0 ? h.length() : h.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + r.headers()));
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(6)
    void newConnectionsPerSecondThroughHaproxyWithTwoEdges() throws Exception {
        String token = freshToken("heidi@example.com");
        Load direct = Load.run(stack, stack.edgePort(B), token, Duration.ofSeconds(2), Duration.ZERO, () -> {});
        Load balanced = Load.run(stack, stack.lbPort(), token, Duration.ofSeconds(2), Duration.ZERO, () -> {});
        System.out.printf(
                "new streams/s, 4 clients: one edge direct %.0f, two edges behind HAProxy %.0f%n",
                direct.perSecond(), balanced.perSecond());
        assertEquals(0, direct.failures() + balanced.failures(), "no stream may fail without a kill");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(7)
    void newConnectionsKeepSucceedingWhenAConnectorIsKilledUnderLoad() throws Exception {
        String token = freshToken("carol@example.com");
        Load load = Load.run(
                stack,
                stack.lbPort(),
                token,
                Duration.ofSeconds(4),
                Duration.ofSeconds(1),
                () -> TwoEdgeStack.killHard(stack.connector(0)));
        System.out.printf(
                "connector kill -9 under load: %d streams, %d failed, the last failed one started %d ms after the kill%n",
                load.total(), load.failures(), load.lastFailureAfterEventMillis());
        assertTrue(load.total() >= 8, "too little load to judge: " + load.total());
        assertTrue(
                load.lastFailureAfterEventMillis() <= 1000,
                "new connections failed " + load.lastFailureAfterEventMillis()
                        + " ms after the kill (expected <= 1 s)");
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(8)
    void signInFailsWithASentenceWhileTheDatabaseIsDownAndWorksAfterwardsWithoutRestartingTheEdges() {
        String session = stack.signIn(stack.edgePort(A), "dave@example.com");
        stack.postgres().stopServer();
        try {
            HttpResponse<String> down = stack.get(stack.edgePort(B), "/", Optional.of(session));
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("store is unreachable"), down.body());
        } finally {
            stack.postgres().startServer();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> back;
        do {
            back = stack.get(stack.edgePort(B), "/", Optional.of(session));
        } while (back.statusCode() == 503 && System.nanoTime() < deadline && pause(200));
        assertEquals(200, back.statusCode(), back.body());
        assertTrue(back.body().contains("dave@example.com"), back.body());
        assertTrue(stack.signIn(stack.edgePort(B), "erin@example.com").length() > 20);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    @Order(9)
    void aSessionMadeOnAKilledEdgeAndTheStreamsItCarriedCarryOnThroughTheOther() throws Exception {
        String token = freshToken("grace@example.com");
        String[] sessions = {
            stack.signIn(stack.edgePort(A), "frank@example.com"), stack.signIn(stack.edgePort(B), "frank@example.com")
        };
        String session;
        // Two access tcp behind HAProxy's round robin, which usually gives each edge one stream; other connections
        // and health checks can shift it, so the edge to kill is one that carries a stream now.
        try (ResumingCopies copies = ResumingCopies.start(stack, freshToken("ivan@example.com"), 2, 16L << 20)) {
            copies.awaitReceived(4L << 20);
            int victim = EdgeStreamGauge.streamsOpen(stack, A) > 0 ? A : B;
            assertTrue(EdgeStreamGauge.streamsOpen(stack, victim) > 0, "neither edge reports the copies' streams");
            session = sessions[victim];
            TwoEdgeStack.killHard(stack.edge(victim));
            copies.assertWholeAndResumedAtLeastOnce();
        }
        assertAfterTheKill(session, token);
    }

    private static void assertAfterTheKill(String session, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> launcher;
        do {
            launcher = stack.get(stack.lbPort(), "/", Optional.of(session));
        } while (launcher.statusCode() != 200 && System.nanoTime() < deadline && pause(100));
        assertEquals(200, launcher.statusCode(), launcher.body());
        assertTrue(launcher.body().contains("frank@example.com"), launcher.body());
        assertEquals(new Echo(101, "after"), stack.echoThrough(stack.lbPort(), token, "after"));
        Load one = Load.run(stack, stack.lbPort(), token, Duration.ofSeconds(2), Duration.ZERO, () -> {});
        System.out.printf("new streams/s, 4 clients, one edge left behind HAProxy: %.0f%n", one.perSecond());
        assertEquals(0, one.failures(), "no stream may fail once HAProxy has marked the dead edge down");
    }

    private static String freshToken(String email) {
        return AppTokens.fresh(stack, email);
    }

    private static int awaitRefused(int port, String token) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int status;
        do {
            status = stack.echoThrough(port, token, "x").status();
        } while (status == 101 && System.nanoTime() < deadline && pause(100));
        return status;
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
