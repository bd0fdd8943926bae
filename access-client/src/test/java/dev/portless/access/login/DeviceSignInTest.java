package dev.portless.access.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.testing.FakeAuthorizationServer;
import dev.portless.access.testing.TestCertificates;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device sign-in against a fake authorization server, on a clock that moves only when the CLI sleeps. */
class DeviceSignInTest {
    private static final String APP = "build.example.com";
    static TestCertificates certificates;
    static FakeAuthorizationServer server;

    @TempDir
    Path config;

    final StringWriter errText = new StringWriter();
    final FakeTime time = new FakeTime();

    @BeforeAll
    static void startServer(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        server = FakeAuthorizationServer.start(certificates);
        server.deviceInterval(1);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private AppSignIn signIn(Duration timeout) {
        SignInSettings settings = new SignInSettings(
                EdgeEndpoint.parse(server.edge()),
                APP,
                Optional.of(certificates.caPem()),
                Duration.ofSeconds(5),
                timeout,
                SignInFlow.DEVICE);
        return new AppSignIn(
                settings,
                TokenCache.in(config),
                uri -> {
                    throw new AssertionError("the device flow must not open a browser");
                },
                new PrintWriter(errText, true),
                time,
                time);
    }

    @Test
    void pollsAtTheEdgesPaceAndSlowsDownWhenTold() throws Exception {
        server.devicePolls("authorization_pending", "slow_down", "authorization_pending", "ok");
        CachedToken token = signIn(Duration.ofMinutes(5)).token();

        assertTrue(server.issued(token.token()));
        assertEquals(
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(6), Duration.ofSeconds(6)),
                time.sleeps);
        String err = errText.toString();
        assertTrue(err.contains("access: To sign in, open " + server.edge() + "/device and enter WDJB-MJHT"), err);
        assertTrue(err.contains("(or open " + server.edge() + "/device?user_code=WDJB-MJHT)"), err);
        assertTrue(err.contains("Waiting for the sign-in (the code is valid for 10m"), err);
        assertTrue(!err.contains("dc-"), "the device code must not be printed");
        assertEquals(token, TokenCache.in(config).find(server.edge(), APP).orElseThrow());
    }

    @Test
    void expiredDeviceCodeIsOneSentence() {
        server.devicePolls("authorization_pending", "expired_token");
        AccessException e = assertThrows(
                AccessException.class, () -> signIn(Duration.ofMinutes(5)).token());
        assertEquals(
                "The device code expired before the sign-in finished; run `access login " + APP + "` again.",
                e.getMessage());
    }

    @Test
    void deniedSignInNamesWho() {
        server.devicePolls("access_denied");
        AccessException e = assertThrows(
                AccessException.class, () -> signIn(Duration.ofMinutes(5)).token());
        assertEquals(
                "Access to " + APP + " was denied at sign-in (alice@example.com is not allowed to reach this"
                        + " app); ask the app's administrator for access, or sign in as someone else.",
                e.getMessage());
        assertTrue(TokenCache.in(config).list().isEmpty());
    }

    @Test
    void givesUpAtTheTimeout() {
        String[] pending = new String[100];
        java.util.Arrays.fill(pending, "authorization_pending");
        server.devicePolls(pending);
        AccessException e = assertThrows(
                AccessException.class, () -> signIn(Duration.ofSeconds(10)).token());
        assertEquals(
                "Timed out after 10s waiting for the sign-in with the code WDJB-MJHT; run `access login " + APP
                        + "` again.",
                e.getMessage());
        assertEquals(10, time.sleeps.size());
    }

    @Test
    void headlessMachinesUseTheDeviceFlow() {
        assertEquals(SignInFlow.DEVICE, SignInFlow.choose(true, Map.of("DISPLAY", ":0"), "Linux"));
        assertEquals(
                SignInFlow.DEVICE,
                SignInFlow.choose(false, Map.of("DISPLAY", ":0", "SSH_CONNECTION", "a 1 b 22"), "Linux"));
        assertEquals(SignInFlow.DEVICE, SignInFlow.choose(false, Map.of(), "Linux"));
        assertEquals(SignInFlow.DEVICE, SignInFlow.choose(false, Map.of("SSH_CONNECTION", "a 1 b 22"), "Mac OS X"));
        assertEquals(SignInFlow.BROWSER, SignInFlow.choose(false, Map.of("DISPLAY", ":0"), "Linux"));
        assertEquals(SignInFlow.BROWSER, SignInFlow.choose(false, Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux"));
        assertEquals(SignInFlow.BROWSER, SignInFlow.choose(false, Map.of(), "Mac OS X"));
        assertEquals(SignInFlow.BROWSER, SignInFlow.choose(false, Map.of(), "Windows 11"));
    }

    /** A clock that advances only when the code under test sleeps, and records the sleeps. */
    static final class FakeTime extends Clock implements Sleeper {
        final List<Duration> sleeps = new CopyOnWriteArrayList<>();
        private volatile Instant now = Instant.now();

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
