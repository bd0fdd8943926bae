package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portless.access.testing.FakeAuthorizationServer;
import dev.portless.access.testing.FakeEdge;
import dev.portless.access.testing.TestCertificates;
import dev.portless.access.testing.TestTokens;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code access login|token|logout|status} as a user runs them, against a fake authorization server. */
class SignInCommandsTest {
    static TestCertificates certificates;
    static FakeAuthorizationServer server;

    @TempDir
    Path config;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        certificates = TestCertificates.create(dir);
        server = FakeAuthorizationServer.start(certificates);
        server.deviceInterval(1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PORTLESS_CONFIG_DIR", config.toString());
        env.put("PORTLESS_EDGE_CA", certificates.caPem().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private int run(Map<String, String> env, String... args) {
        CommandLine cl = AccessCommand.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private void store(String edge, String app, String email, Duration left) throws Exception {
        TokenCache.in(config)
                .store(new CachedToken(
                        edge,
                        app,
                        TestTokens.mint(edge, app, email, left),
                        Instant.now().plus(left),
                        email));
    }

    @Test
    void loginOpensTheBrowserFromBrowserVariable() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) || System.getenv("CI") != null, "needs curl");
        Path page = config.resolve("page.html");
        Path browser = config.resolve("browser");
        // A "browser" that loads the URL it is given and follows the redirect, as $BROWSER is run: no shell quoting.
        Files.writeString(
                browser,
                "#!/bin/sh\nloc=$(curl -s --cacert '" + certificates.caPem() + "' -o /dev/null"
                        + " -w '%{redirect_url}' \"$1\")\ncurl -s -o '" + page + "' \"$loc\"\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
        int before = server.authorizations();

        int code = run(
                env("BROWSER", browser.toString(), "DISPLAY", ":0"),
                "login",
                "--edge",
                server.edge(),
                "https://db.example.com/");

        assertEquals(0, code, err.toString());
        assertEquals(before + 1, server.authorizations());
        assertTrue(
                err.toString().contains("access: Signed in to db.example.com as alice@example.com for 1h."),
                err.toString());
        assertTrue(Files.readString(page).contains("Signed in — you can close this tab"));
        assertEquals("", out.toString(), "login prints nothing on stdout");

        run(env(), "token", "--edge", server.edge(), "db.example.com");
        String token = out.toString().trim();
        assertTrue(server.issued(token));
        assertEquals(token + System.lineSeparator(), out.toString(), "the token and nothing else");
    }

    @Test
    void loginWithoutADisplayUsesADeviceCode() {
        server.devicePolls("authorization_pending", "ok");
        int before = server.deviceStarts();
        int code = run(
                env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22", "DISPLAY", ":0"),
                "login",
                "--edge",
                server.edge(),
                "db.example.com");
        assertEquals(0, code, err.toString());
        assertEquals(before + 1, server.deviceStarts());
        assertTrue(
                err.toString().contains("access: To sign in, open " + server.edge() + "/device and enter WDJB-MJHT"),
                err.toString());
        assertEquals(1, TokenCache.in(config).list().size());
    }

    @Test
    void tokenWithoutASignInFailsWithASentence() {
        int code = run(env(), "token", "--edge", server.edge(), "db.example.com");
        assertEquals(1, code);
        assertEquals("", out.toString());
        assertEquals(
                "access: No valid sign-in to db.example.com at " + server.edge() + "; run `access login"
                        + " db.example.com` first." + System.lineSeparator(),
                err.toString());
    }

    @Test
    void tokenIgnoresATokenAboutToExpire() throws Exception {
        store("https://db.example.com", "db.example.com", "alice@example.com", Duration.ofSeconds(20));
        assertEquals(1, run(env(), "token", "db.example.com"));
        assertEquals("", out.toString());
    }

    @Test
    void statusListsAppsIdentitiesAndTimeLeft() throws Exception {
        store("https://edge.example.com", "db.example.com", "alice@example.com", Duration.ofHours(8));
        store(
                "https://edge.example.com",
                "ssh.example.com",
                "bob@example.com",
                Duration.ofMinutes(12).plusSeconds(30));
        store("https://edge.example.com", "old.example.com", "carol@example.com", Duration.ofSeconds(-5));

        assertEquals(0, run(env(), "status"));

        List<String> lines = out.toString().lines().toList();
        assertEquals(6, lines.size(), out.toString());
        assertTrue(lines.get(4).startsWith("Edge https://edge.example.com: "), lines.get(4));
        assertTrue(lines.get(5).startsWith("Agent: not running"), lines.get(5));
        assertTrue(lines.get(0).matches("APP\\s+EDGE\\s+IDENTITY\\s+TIME LEFT"), lines.get(0));
        assertTrue(
                lines.get(1)
                        .matches("db\\.example\\.com\\s+https://edge\\.example\\.com\\s+alice@example\\.com\\s+7h 59m"),
                lines.get(1));
        assertTrue(lines.get(2).matches("old\\.example\\.com\\s+\\S+\\s+carol@example\\.com\\s+expired"), lines.get(2));
        assertTrue(lines.get(3).matches("ssh\\.example\\.com\\s+\\S+\\s+bob@example\\.com\\s+12m"), lines.get(3));
    }

    @Test
    void statusShowsThePostQuantumKeyExchangeOfEachEdge() throws Exception {
        try (FakeEdge edge = FakeEdge.start(certificates, headers -> null)) {
            store(edge.url(), "db.example.com", "alice@example.com", Duration.ofHours(1));

            assertEquals(0, run(env(), "status"));

            assertTrue(
                    out.toString()
                            .contains("Edge " + edge.url() + ": TLSv1.3, key exchange X25519MLKEM768 (post-quantum)"),
                    out.toString());
        }
    }

    @Test
    void statusWithNothingSaved() {
        assertEquals(0, run(env(), "status"));
        assertEquals(
                "No saved sign-ins; `access login APP` signs in." + System.lineSeparator()
                        + "Agent: not running; `access agent --daemon` starts one, `access ssh` and `access tcp` do"
                        + " on first use."
                        + System.lineSeparator(),
                out.toString());
    }

    @Test
    void logoutForgetsOneAppOrAll() throws Exception {
        store("https://edge-a.example.com", "db.example.com", "alice@example.com", Duration.ofHours(1));
        store("https://edge-b.example.com", "db.example.com", "alice@example.com", Duration.ofHours(1));
        store("https://edge-a.example.com", "ssh.example.com", "alice@example.com", Duration.ofHours(1));

        assertEquals(0, run(env(), "logout", "--edge", "https://edge-b.example.com", "db.example.com"));
        assertEquals(
                "access: Signed out of db.example.com at https://edge-b.example.com." + System.lineSeparator(),
                err.toString());
        assertEquals(2, TokenCache.in(config).list().size());

        assertEquals(0, run(env(), "logout", "db.example.com"));
        assertEquals(
                List.of("ssh.example.com"),
                TokenCache.in(config).list().stream().map(CachedToken::app).toList());

        assertEquals(0, run(env(), "logout"));
        assertTrue(TokenCache.in(config).list().isEmpty());
        assertEquals(0, run(env(), "logout"));
        assertTrue(err.toString().endsWith("access: No saved sign-in." + System.lineSeparator()), err.toString());
    }

    @Test
    void aServiceTokenSecretWithoutItsIdIsAMistakeNotASignIn() {
        assertEquals(
                2,
                run(
                        env("PORTLESS_SERVICE_TOKEN_SECRET", "s3cret"),
                        "tcp",
                        "--hostname",
                        "db.example.com",
                        "--url",
                        "127.0.0.1:0"));
        assertEquals(
                "access: a service token secret is set but no id: set PORTLESS_SERVICE_TOKEN_ID (or pass"
                        + " --service-token-id), or unset the secret to sign in through the browser"
                        + System.lineSeparator(),
                err.toString());
        assertTrue(!err.toString().contains("s3cret"));
    }

    @Test
    void badArgumentsAreOneSentence() {
        assertEquals(2, run(env(), "login", "--timeout", "5", "db.example.com"));
        assertTrue(
                err.toString()
                        .contains("access: --timeout: \"5\" has no unit (expected: a whole number with a"
                                + " unit: 500ms, 10s, 5m, 1h)"),
                err.toString());
        assertEquals(2, run(env(), "login", "not a host"));
        assertTrue(err.toString().contains("access: app: \"not a host\" is not a hostname"), err.toString());
    }

    @Test
    /** {@code access forward}: one app's sign-in after another, and a refusal reported in the app's row. */
    void forwardSignsInToEachAppInTurnAndARefusalIsItsRowsStatus() {
        server.devicePolls("access_denied", "access_denied");
        int before = server.deviceStarts();
        int code = run(
                env("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22"),
                "forward",
                "--edge",
                server.edge(),
                "--forward",
                "db.example.com=127.0.0.1:15432",
                "--forward",
                "wiki.example.com=127.0.0.1:15433");

        assertEquals(1, code, err.toString());
        assertEquals(before + 2, server.deviceStarts());
        String said = err.toString();
        // In turn: the second app's prompt comes only after the first app's sign-in ended.
        int firstRefusal = said.indexOf("access: db.example.com: ");
        int secondPrompt = said.indexOf("To sign in", said.indexOf("To sign in") + 1);
        assertTrue(firstRefusal > 0 && secondPrompt > firstRefusal, said);
        assertTrue(said.contains("alice@example.com is not allowed to reach this app"), said);
        String table = out.toString();
        assertTrue(table.startsWith("APP"), table);
        assertTrue(table.matches("(?s).*db\\.example\\.com\\s+-\\s+not signed in: .*not allowed.*"), table);
        assertTrue(table.matches("(?s).*wiki\\.example\\.com\\s+-\\s+not signed in: .*not allowed.*"), table);
        assertTrue(said.contains("access: no forward is listening"), said);
    }
}
