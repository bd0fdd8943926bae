package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.token.CachedToken;
import dev.portless.access.token.ConfigDirectory;
import dev.portless.access.token.TokenCache;
import dev.portless.common.json.Json;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code access doctor} against a good set-up and against each failure it names, with its step and fix. */
class DoctorTest {
    private static final String ECHO = "echo.portless.test";
    private static final String CLOSED = "closed.portless.test";
    private static final String NO_TARGET = "gone.portless.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void namesTheFirstFailingStepAndItsFix(@TempDir Path home) throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(ECHO, "tcp://127.0.0.1:" + echo.port())
                        .appClosedToTheToken(CLOSED, "tcp://127.0.0.1:" + echo.port())
                        .app(NO_TARGET, "tcp://127.0.0.1:" + FreePorts.next())
                        .build()
                        .start()) {
            Result good = doctor(stack.accessEnv(), "--json", ECHO);
            assertEquals(0, good.exit(), good.text());
            Map<String, Object> json = Json.readObject(good.text());
            assertEquals(true, json.get("ok"), good.text());
            List<?> steps = (List<?>) json.get("steps");
            assertEquals(
                    List.of(
                            "edge address",
                            "tcp",
                            "tls",
                            "discovery",
                            "credentials",
                            "credentials accepted",
                            "policy",
                            "connector online",
                            "target dial"),
                    steps.stream().map(s -> ((Map<?, ?>) s).get("step")).toList());

            Map<String, String> edgeDown = new LinkedHashMap<>(stack.accessEnv());
            edgeDown.put("PORTLESS_EDGE", "https://127.0.0.1:" + FreePorts.next());
            assertFails(doctor(edgeDown, ECHO), "tcp", "start the edge");

            Map<String, String> wrongCa = new LinkedHashMap<>(stack.accessEnv());
            wrongCa.put("PORTLESS_EDGE_CA", "/etc/ssl/certs/ca-certificates.crt");
            assertFails(doctor(wrongCa, ECHO), "tls", "PORTLESS_EDGE_CA at the CA that signed");

            Path config = home.resolve("portless");
            Map<String, String> signedIn = new LinkedHashMap<>(stack.accessEnv());
            signedIn.remove("PORTLESS_SERVICE_TOKEN_ID");
            signedIn.remove("PORTLESS_SERVICE_TOKEN_SECRET_FILE");
            signedIn.put(ConfigDirectory.ENV, config.toString());
            assertFails(doctor(signedIn, ECHO), "credentials", "access login " + ECHO);
            TokenCache.in(config)
                    .store(new CachedToken(
                            stack.edgeUrl(),
                            ECHO,
                            "expired.token.value",
                            Instant.now().minusSeconds(3600),
                            "alice@example.com"));
            Result expired = doctor(signedIn, ECHO);
            assertFails(expired, "credentials", "sign in again with `access login " + ECHO + "`");
            assertTrue(expired.text().contains("alice@example.com expired at"), expired.text());

            assertFails(doctor(stack.accessEnv(), CLOSED), "policy", "allow this identity in the app's policy");
            assertFails(doctor(stack.accessEnv(), NO_TARGET), "target dial", "start the target service");

            stack.connector().close();
            assertFails(doctor(stack.accessEnv(), ECHO), "connector online", "start the app's connector");
        }
    }

    private static void assertFails(Result result, String step, String fix) {
        assertEquals(1, result.exit(), result.text());
        String[] lines = result.text().split("\n");
        String failed = Arrays.stream(lines)
                .filter(l -> l.contains(" FAIL "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no FAIL line:\n" + result.text()));
        assertTrue(failed.startsWith(step + " "), "expected the step \"" + step + "\" to fail:\n" + result.text());
        assertTrue(
                Pattern.compile("(?m)^fix: .*" + Pattern.quote(fix))
                        .matcher(result.text())
                        .find(),
                "expected a fix with \"" + fix + "\":\n" + result.text());
    }

    private static Result doctor(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("doctor"));
        argv.addAll(List.of(args));
        try (JavaProcess p = JavaProcess.start("dev.portless.access.AccessMain", argv, env)) {
            int exit = p.waitFor(WAIT);
            return new Result(exit, p.stdout() + p.stderr());
        }
    }

    private record Result(int exit, String text) {}
}
