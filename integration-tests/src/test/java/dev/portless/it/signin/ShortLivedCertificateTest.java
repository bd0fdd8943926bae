package dev.portless.it.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriver;

/**
 * Short-lived SSH certificates end to end: a real sshd that trusts only the edge's SSH CA
 * ({@code TrustedUserCAKeys}, {@code AuthorizedKeysFile none}), the person signed in once through
 * a real browser, then plain {@code ssh -F <the output of access ssh-config --short-lived-cert>}:
 * its {@code Match exec} runs {@code access ssh-gen} (key + certificate), its ProxyCommand
 * {@code access ssh}.
 */
class ShortLivedCertificateTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String APP = "ssh.portless.test";
    private static Sshd sshd;
    private static SignInStack stack;
    private static Path dir;
    private static Path caFile;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("portless-slc");
        caFile = dir.resolve("portless_ca.pub");
        // sshd reads TrustedUserCAKeys at each login: filled in below from the edge's /ssh/ca.pub.
        Files.writeString(caFile, "");
        sshd = Sshd.start(List.of("TrustedUserCAKeys " + caFile, "AuthorizedKeysFile none"), APP);
        stack = SignInStack.builder()
                .app(
                        APP,
                        "include:\n  - email-domains: [example.com]\n",
                        "ssh:\n  principals: [" + sshd.user() + "]\n  permissions: [pty]\n",
                        "tcp://127.0.0.1:" + sshd.port())
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void sshWithAShortLivedCertificate() throws Exception {
        HttpResponse<String> ca = stack.get("/ssh/ca.pub");
        assertEquals(200, ca.statusCode(), ca.body());
        assertTrue(ca.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(ca.body().startsWith("ssh-ed25519 AAAA"), ca.body());
        Files.writeString(caFile, ca.body());
        HttpResponse<String> refused = stack.post("/ssh/sign", Map.of("public_key", "ssh-ed25519 AAAA"));
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"error\":\"invalid_token\""), refused.body());

        Path config = dir.resolve("config");
        Path launcher = JavaProcess.writeLauncher(dir, "access", "dev.portless.access.AccessMain");
        Map<String, String> env = accessEnv(config, launcher);

        // Sign in once, through a real browser; ssh-gen then finds the token in the cache.
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()))) {
            WebDriver browser = chromium.driver();
            try (JavaProcess login = JavaProcess.start("dev.portless.access.AccessMain", List.of("login", APP), env)) {
                String url = login.awaitOutput(Pattern.compile("^  (https://\\S+/oauth/authorize\\?\\S+)$"), WAIT)
                        .group(1);
                stack.signInWithPin(browser, url, "alice@example.com");
                login.awaitOutput(Pattern.compile("Signed in to ssh\\.portless\\.test"), WAIT);
                assertEquals(0, login.waitFor(WAIT), login.stderr());
            }
        }

        String block;
        try (JavaProcess sshConfig = JavaProcess.start(
                "dev.portless.access.AccessMain",
                List.of("ssh-config", "--hostname", APP, "--short-lived-cert"),
                env)) {
            assertEquals(0, sshConfig.waitFor(WAIT), sshConfig.stderr());
            block = sshConfig.stdout();
        }
        assertTrue(block.contains("Match host " + APP + " exec \"" + launcher + " ssh-gen --hostname %h\""), block);
        assertTrue(block.contains("ProxyCommand \"" + launcher + "\" ssh --hostname %h"), block);
        assertFalse(block.contains("bash -c"), block);
        Path sshConfigFile = dir.resolve("ssh_config");
        Files.writeString(sshConfigFile, block);

        List<String> ssh = new ArrayList<>(List.of(
                "ssh",
                "-F",
                sshConfigFile.toString(),
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "UserKnownHostsFile=" + sshd.knownHostsFile(),
                "-o",
                "GlobalKnownHostsFile=/dev/null",
                "-o",
                "UpdateHostKeys=no",
                "-o",
                "IdentityAgent=none",
                "-o",
                "ConnectTimeout=30",
                sshd.user() + "@" + APP,
                "echo",
                "ok"));
        ProcessResult result = Commands.run(ssh, WAIT, env);
        assertEquals(
                0,
                result.exitCode(),
                result + "\n--- sshd ---\n" + sshd.log() + "\n--- edge ---\n"
                        + stack.edge().stderr());
        assertEquals("ok", result.stdout().trim());

        Path key = config.resolve("tokens").resolve(APP + "-ssh-key");
        Path cert = config.resolve("tokens").resolve(APP + "-ssh-key-cert.pub");
        assertEquals(
                "rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String listing = Commands.run(List.of("ssh-keygen", "-L", "-f", cert.toString()), WAIT)
                .assertSuccess()
                .stdout();
        assertTrue(
                Pattern.compile("Principals:\\s*\\n\\s*" + Pattern.quote(sshd.user()) + "\\s*\\n")
                        .matcher(listing)
                        .find(),
                listing);
        assertTrue(listing.contains("Key ID: \"alice@example.com\""), listing);
        assertTrue(listing.contains("permit-pty") && !listing.contains("permit-port-forwarding"), listing);
        // The login was the certificate's: sshd has no authorized_keys to read at all.
        String log = sshd.log();
        assertTrue(
                log.contains("Accepted publickey for " + sshd.user())
                        && log.contains("ED25519-CERT")
                        && log.contains("alice@example.com"),
                log);
        assertTrue(
                stack.edge().stderr().contains("Issued SSH certificate"),
                stack.edge().stderr());

        // A second run reuses the key and the still-fresh certificate.
        String before = Files.readString(cert);
        assertEquals(0, Commands.run(ssh, WAIT, env).exitCode());
        assertEquals(before, Files.readString(cert));

        // A stream whose token is not the edge's is refused before any byte reaches sshd.
        assertEquals(401, stack.echoThrough(APP, "not-a-token", "x").status());
        assertAuditRecords();
    }

    /** The edge's audit log holds one record of each kind this test caused, with its fields, and no token. */
    private static void assertAuditRecords() throws InterruptedException {
        Map<String, Map<String, Object>> first = new java.util.HashMap<>();
        List<Map<String, Object>> records = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> kinds = Set.of("sign_in", "token_issue", "ssh_certificate", "stream", "refusal");
        while (System.nanoTime() < deadline) {
            records = stack.auditRecords();
            first.clear();
            // The first of each kind about this app (or, for sign-ins, any).
            for (Map<String, Object> r : records) {
                if (r.get("event").equals("sign_in") || APP.equals(r.get("app"))) {
                    // The last refusal is the test's own; of the others, the first.
                    if (r.get("event").equals("refusal")) {
                        first.put("refusal", r);
                    } else {
                        first.putIfAbsent((String) r.get("event"), r);
                    }
                }
            }
            if (first.keySet().containsAll(kinds)) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(first.keySet().containsAll(kinds), "audit records: " + records);
        for (Map<String, Object> r : records) {
            assertTrue(r.get("time") instanceof String, r.toString());
            assertFalse(r.toString().contains("eyJ"), "no token in an audit record: " + r);
        }
        Map<String, Object> signIn = first.get("sign_in");
        assertEquals("email", signIn.get("provider"), signIn.toString());
        assertEquals("alice@example.com", signIn.get("identity"), signIn.toString());
        assertEquals("success", signIn.get("result"), signIn.toString());
        Map<String, Object> token = first.get("token_issue");
        assertEquals("alice@example.com", token.get("identity"), token.toString());
        assertTrue(((String) token.get("token_id")).length() >= 16, token.toString());
        assertTrue(token.get("expires") instanceof String, token.toString());
        Map<String, Object> certificate = first.get("ssh_certificate");
        assertEquals("alice@example.com", certificate.get("identity"), certificate.toString());
        assertEquals(List.of(sshd.user()), certificate.get("principals"), certificate.toString());
        assertTrue(certificate.get("serial") instanceof Number, certificate.toString());
        assertEquals("127.0.0.1", certificate.get("client"), certificate.toString());
        Map<String, Object> stream = first.get("stream");
        assertEquals("alice@example.com", stream.get("identity"), stream.toString());
        assertTrue(((String) stream.get("target")).endsWith(":" + sshd.port()), stream.toString());
        assertTrue(((Number) stream.get("bytes_up")).longValue() > 0, stream.toString());
        assertTrue(((Number) stream.get("bytes_down")).longValue() > 0, stream.toString());
        assertTrue(stream.get("end_reason") instanceof String, stream.toString());
        Map<String, Object> refusal = first.get("refusal");
        assertEquals(401, ((Number) refusal.get("status")).intValue(), refusal.toString());
        assertEquals("127.0.0.1", refusal.get("client"), refusal.toString());
        assertTrue(
                refusal.get("error") instanceof String && refusal.get("message") instanceof String, refusal.toString());
    }

    private static Map<String, String> accessEnv(Path config, Path launcher) {
        Map<String, String> env = stack.accessEnv(config);
        env.put("PORTLESS_LAUNCHER", launcher.toString());
        return env;
    }
}
