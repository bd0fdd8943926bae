package dev.portless.it.bridge;

import static dev.portless.it.bridge.SshBridgeProcess.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.SignInStack;
import dev.portless.it.peers.Chromium;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain of the item 8, every piece a real program: laptop → {@code access ssh} → edge →
 * connector → ssh-bridge → sshd. The person signs in once in a real Chromium (PIN provider),
 * {@code access ssh-gen} gets an edge-signed certificate, and real {@code ssh -J} jumps through the bridge
 * app (its first hop carried by {@code ProxyCommand access ssh --hostname %h}) to a real sshd. Both hops
 * trust only the edge's SSH CA and log in with that one certificate; no authorized_keys, no ssh-keygen CA.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class SshBridgeThroughTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String APP = "bridge.portless.test";
    private static final String EMAIL = "alice@example.com";
    /** The bridge login: the email's local part, which the edge puts among the certificate's principals. */
    private static final String LOGIN = "alice";

    private static final Pattern EDGE_STREAM = Pattern.compile("stream=\\d+ identity=(\\S+) app=(\\S+) client=\\S+ "
            + "target=(\\S+) bytes_up=(\\d+) bytes_down=(\\d+) duration_ms=\\d+ end=\"[^\"]*\"");

    private Path dir;
    private SignInStack stack;
    private Sshd sshd;
    /** A second port of the same sshd, which the bridge policy does not list. */
    private int unlistedPort;

    private SshBridgeProcess bridge;
    private Map<String, String> env;
    private Path key;
    private Path certificate;
    private Path sshConfig;
    private String caFingerprint;
    private String serial;

    @BeforeAll
    void start(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        final int bridgePort = FreePorts.next();
        stack = SignInStack.builder()
                .app(
                        APP,
                        "include:\n  - email-domains: [example.com]\n",
                        // Principals: "alice" for the bridge, and the login on sshd (the user running the tests,
                        // as Sshd#user()). The bridge needs permit-port-forwarding for a direct-tcpip channel;
                        // nothing else is granted.
                        "ssh:\n  principals: [email-local-part, " + System.getProperty("user.name") + "]\n"
                                + "  permissions: [port-forwarding]\n",
                        "ssh://127.0.0.1:" + bridgePort)
                .build()
                .start();

        final HttpResponse<String> ca = stack.get("/ssh/ca.pub");
        assertEquals(200, ca.statusCode(), ca.body());
        assertTrue(ca.body().startsWith("ssh-ed25519 AAAA"), ca.body());
        final Path caFile = Files.writeString(dir.resolve("portless_ca.pub"), ca.body());
        caFingerprint = Commands.run(List.of(SshBridgeProcess.SSH_KEYGEN, "-l", "-f", caFile.toString()), WAIT)
                .assertSuccess()
                .stdout()
                .split(" ")[1];

        unlistedPort = FreePorts.next();
        // sshd wants every Port before its ListenAddress; the extra lines come first.
        sshd = Sshd.start(List.of("TrustedUserCAKeys " + caFile, "AuthorizedKeysFile none", "Port " + unlistedPort));
        bridge = SshBridgeProcess.startTrusting(
                Files.createDirectory(dir.resolve("bridge")),
                caFile,
                bridgePort,
                String.join(
                        "\n",
                        "policy:",
                        "  - principals: [" + LOGIN + "]",
                        "    allow: [127.0.0.1:" + sshd.port() + "]"));

        final Path launcher = JavaProcess.writeLauncher(dir, "access", "dev.portless.access.AccessMain");
        final Path config = dir.resolve("config");
        env = accessEnv(config, launcher);
        signIn();

        // ssh-gen before the jump, so the key and certificate the last hop names exist before that ssh starts.
        try (JavaProcess gen =
                JavaProcess.start("dev.portless.access.AccessMain", List.of("ssh-gen", "--hostname", APP), env)) {
            assertEquals(0, gen.waitFor(WAIT), gen::stderr);
            key = config.resolve("tokens").resolve(APP + "-ssh-key");
            assertEquals(key + "\n", gen.stdout());
            // ssh runs ssh-gen from Match exec before every login: nothing of it may reach the user's terminal.
            assertEquals("", gen.stderr());
        }
        certificate = key.resolveSibling(key.getFileName() + "-cert.pub");
        final String listing = Commands.run(
                        List.of(SshBridgeProcess.SSH_KEYGEN, "-L", "-f", certificate.toString()), WAIT)
                .assertSuccess()
                .stdout();
        assertTrue(listing.contains("Key ID: \"" + EMAIL + "\""), listing);
        assertTrue(listing.contains("Signing CA: ED25519 " + caFingerprint), listing);
        assertTrue(
                Pattern.compile("Principals:\\s*\\n\\s*" + LOGIN + "\\s*\\n\\s*" + Pattern.quote(sshd.user())
                                + "\\s*\\n")
                        .matcher(listing)
                        .find(),
                listing);
        assertTrue(listing.contains("permit-port-forwarding") && !listing.contains("permit-pty"), listing);
        // No source-address: behind the connector the bridge sees the connector's address, not the laptop's.
        assertTrue(listing.contains("Critical Options: (none)"), listing);
        final Matcher serialLine = Pattern.compile("Serial: (\\d+)").matcher(listing);
        assertTrue(serialLine.find(), listing);
        serial = serialLine.group(1);

        sshConfig = writeSshConfig(launcher);
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sshJumpsThroughTheBridgeAppToTheTargetWithTheEdgeCertificate() throws IOException {
        final int auditBefore = bridge.audit().size();
        final int streamsBefore = edgeStreams().size();
        final int sshdLogBefore = sshd.log().length();
        final String certificateBefore = Files.readString(certificate);

        final ProcessResult result = Commands.run(jump("127.0.0.1", sshd.port(), "echo ok"), WAIT, env);

        assertEquals(0, result.exitCode(), () -> result + diagnostics());
        assertEquals("ok\n", result.stdout());
        // Both hops logged in with the one certificate ssh-gen fetched: its serial is on the bridge and on sshd.
        final Map<String, Object> channel = bridge.awaitAudit(
                auditBefore, where("type", "channel").and(where("target", "127.0.0.1:" + sshd.port())));
        assertEquals("127.0.0.1:" + sshd.port(), channel.get("resolved"), channel::toString);
        assertEquals(EMAIL, channel.get("key_id"), channel::toString);
        assertEquals(LOGIN, channel.get("principal"), channel::toString);
        assertEquals(serial, channel.get("serial"), channel::toString);
        assertEquals(caFingerprint, channel.get("ca_fingerprint"), channel::toString);
        // A whole SSH session with sshd crossed the channel: KiB each way.
        assertTrue(number(channel, "bytes_client_to_target") > 1000, channel::toString);
        assertTrue(number(channel, "bytes_target_to_client") > 1000, channel::toString);
        final Map<String, Object> session =
                bridge.awaitAudit(auditBefore, where("type", "session").and(where("session", channel.get("session"))));
        assertEquals(EMAIL, session.get("key_id"), session::toString);
        assertEquals(serial, session.get("serial"), session::toString);
        // Behind the connector the bridge's client is the connector, on loopback.
        assertTrue(((String) session.get("source")).startsWith("127.0.0.1:"), session::toString);

        final String sshdLog = sshd.log().substring(sshdLogBefore);
        assertTrue(sshdLog.contains("Accepted publickey for " + sshd.user()), sshdLog);
        assertTrue(
                sshdLog.contains("ED25519-CERT")
                        && sshdLog.contains("ID " + EMAIL + " (serial " + serial + ")")
                        && sshdLog.contains("CA ED25519 " + caFingerprint),
                sshdLog);

        // The edge's per-stream line: who, which app, to the bridge, bytes both ways.
        final Matcher stream = awaitEdgeStream(streamsBefore);
        assertEquals(EMAIL, stream.group(1), stream.group());
        assertEquals(APP, stream.group(2), stream.group());
        assertTrue(stream.group(3).endsWith("127.0.0.1:" + bridge.port()), stream.group());
        assertTrue(Long.parseLong(stream.group(4)) > 1000 && Long.parseLong(stream.group(5)) > 1000, stream.group());
        // The Match exec's ssh-gen found the certificate still fresh and kept it.
        assertEquals(certificateBefore, Files.readString(certificate));
    }

    @Test
    void aDestinationThePolicyDoesNotListIsRefusedForTheSameCertificate() {
        final int auditBefore = bridge.audit().size();

        // 192.0.2.10 (TEST-NET-1) answers nowhere; the bridge must refuse it before any dial.
        final ProcessResult result = Commands.run(jump("192.0.2.10", 22, "echo ok"), WAIT, env);

        assertEquals(255, result.exitCode(), result::toString);
        assertEquals("", result.stdout());
        final String reason = "192.0.2.10:22 is not allowed for principal \"" + LOGIN + "\" by the bridge policy";
        assertTrue(
                result.stderr().contains("channel 0: open failed: administratively prohibited: " + reason),
                result::toString);
        final Map<String, Object> channel =
                bridge.awaitAudit(auditBefore, where("type", "channel").and(where("target", "192.0.2.10:22")));
        assertEquals("refused: " + reason, channel.get("end_reason"), channel::toString);
        assertNull(channel.get("resolved"), channel::toString);
        // The session logged in with the very certificate that reaches the allowed target.
        assertEquals(EMAIL, channel.get("key_id"), channel::toString);
        assertEquals(serial, channel.get("serial"), channel::toString);
    }

    @Test
    void anotherPortOfTheSameSshdIsRefusedThoughTheCertificateLogsInThereDirectly() {
        // The control: reached directly, this port takes the certificate, so only the bridge policy refuses it.
        final String alias = "unlisted.portless.test";
        sshd.trustAlias(alias);
        final ProcessResult reached = Commands.run(
                List.of(
                        "ssh",
                        "-F",
                        sshConfig.toString(),
                        "-o",
                        "HostKeyAlias=" + alias,
                        "-p",
                        Integer.toString(unlistedPort),
                        "127.0.0.1",
                        "echo direct"),
                WAIT,
                env);
        assertEquals(0, reached.exitCode(), () -> reached + diagnostics());
        assertEquals("direct\n", reached.stdout());
        final int auditBefore = bridge.audit().size();

        final ProcessResult result = Commands.run(jump("127.0.0.1", unlistedPort, "echo ok"), WAIT, env);

        assertEquals(255, result.exitCode(), result::toString);
        assertEquals("", result.stdout());
        // A loopback address the policy does not list is named as such: a service on the bridge's own host.
        final String reason = "127.0.0.1:" + unlistedPort + " is refused: 127.0.0.1 is a loopback address";
        assertTrue(
                result.stderr().contains("channel 0: open failed: administratively prohibited: " + reason),
                result::toString);
        final Map<String, Object> channel = bridge.awaitAudit(
                auditBefore, where("type", "channel").and(where("target", "127.0.0.1:" + unlistedPort)));
        assertTrue(((String) channel.get("end_reason")).startsWith("refused: " + reason), channel::toString);
        assertNull(channel.get("resolved"), channel::toString);
        assertEquals(serial, channel.get("serial"), channel::toString);
    }

    /** Signs in once through the real {@code access login} and a real browser, as the person would. */
    private void signIn() {
        try (Chromium chromium = Chromium.start(List.of(stack.edgeSpki()));
                JavaProcess login = JavaProcess.start("dev.portless.access.AccessMain", List.of("login", APP), env)) {
            stack.signInWithPin(
                    chromium.driver(),
                    login.awaitOutput(Pattern.compile("^  (https://\\S+/oauth/authorize\\?\\S+)$"), WAIT)
                            .group(1),
                    EMAIL);
            login.awaitOutput(Pattern.compile("Signed in to " + Pattern.quote(APP)), WAIT);
            assertEquals(0, login.waitFor(WAIT), login::stderr);
        }
    }

    /**
     * Returns the ssh_config: the block {@code access ssh-config --short-lived-cert} prints for the bridge app
     * (Match exec ssh-gen, ProxyCommand access ssh), the bridge login, and the last hop's settings. ssh hands
     * only {@code -F} down to the ssh it runs for {@code -J}, so the jump's settings must live in this file.
     */
    private Path writeSshConfig(Path launcher) throws IOException {
        final String block;
        try (JavaProcess printed = JavaProcess.start(
                "dev.portless.access.AccessMain",
                List.of("ssh-config", "--hostname", APP, "--short-lived-cert"),
                env)) {
            assertEquals(0, printed.waitFor(WAIT), printed::stderr);
            block = printed.stdout();
        }
        assertTrue(block.contains("ProxyCommand \"" + launcher + "\" ssh --hostname %h"), block);
        assertTrue(block.contains("CertificateFile " + certificate), block);
        return Files.writeString(
                dir.resolve("ssh_config"),
                String.join(
                        "\n",
                        block,
                        "Host " + APP,
                        "  User " + LOGIN,
                        "  UserKnownHostsFile " + bridge.knownHostsFor(APP),
                        "Host 127.0.0.1 192.0.2.10",
                        "  User " + sshd.user(),
                        "  IdentityFile " + key,
                        "  CertificateFile " + certificate,
                        "  UserKnownHostsFile " + sshd.knownHostsFile(),
                        // No user or system setting may change what is tested; no agent may offer another key.
                        "Host *",
                        "  BatchMode yes",
                        "  IdentitiesOnly yes",
                        "  IdentityAgent none",
                        "  StrictHostKeyChecking yes",
                        "  GlobalKnownHostsFile /dev/null",
                        "  UpdateHostKeys no",
                        "  ConnectTimeout 30",
                        ""));
    }

    /** Returns {@code ssh -F <config> -J bridge-app -p port host command}. */
    private List<String> jump(String host, int port, String command) {
        return new ArrayList<>(
                List.of("ssh", "-F", sshConfig.toString(), "-J", APP, "-p", Integer.toString(port), host, command));
    }

    /** Returns the edge's per-stream lines so far, one per ended stream. */
    private List<String> edgeStreams() {
        return stack.edge()
                .stderr()
                .lines()
                .filter(line -> EDGE_STREAM.matcher(line).find())
                .toList();
    }

    /** Returns the edge's per-stream line after the first {@code skip}, waiting up to 10 s for the relay to end. */
    private Matcher awaitEdgeStream(int skip) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            final List<String> lines = edgeStreams();
            if (lines.size() > skip) {
                final Matcher matcher = EDGE_STREAM.matcher(lines.get(skip));
                assertTrue(matcher.find());
                return matcher;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the edge logged no line for the stream within 10 s" + diagnostics());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private Map<String, String> accessEnv(Path config, Path launcher) {
        final Map<String, String> env = stack.accessEnv(config);
        env.put("PORTLESS_LAUNCHER", launcher.toString());
        return env;
    }

    private String diagnostics() {
        return "\n--- bridge log ---\n" + bridge.log() + "\n--- sshd log ---\n" + sshd.log() + "\n--- edge log ---\n"
                + stack.edge().stderr();
    }

    private static long number(Map<String, Object> record, String key) {
        return ((Number) record.get(key)).longValue();
    }
}
