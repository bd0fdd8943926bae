package dev.portless.it.bridge;

import static dev.portless.it.bridge.SshBridgeProcess.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.HalfCloseServer;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssh -J alice@bridge target} with the real OpenSSH client on both ends: a real sshd target the
 * policy allows runs a command, targets outside the policy and the cloud metadata address are refused
 * with a sentence the user sees, and the audit log records each session and channel with exact byte
 * counts. The bridge is the real {@code ssh-bridge} program in its own JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SshBridgeJumpTest {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(60);

    private Path dir;
    private Sshd sshd;
    private HalfCloseServer halfClose;
    private SshBridgeProcess bridge;
    private Path aliceConfig;

    @BeforeAll
    void start(@TempDir Path tempDir) {
        dir = tempDir;
        sshd = Sshd.start();
        halfClose = HalfCloseServer.start();
        bridge = SshBridgeProcess.start(
                dir,
                String.join(
                        "\n",
                        "policy:",
                        "  - principals: [alice]",
                        "    allow:",
                        "      - 127.0.0.1:" + sshd.port(),
                        "      - 127.0.0.1:" + halfClose.port(),
                        // A broad rule must not sweep the metadata address in.
                        "      - 0.0.0.0/0:80",
                        "      - localhost:9"));
        final Path alice = SshBridgeProcess.keygen(dir.resolve("alice"));
        final Path cert = SshBridgeProcess.sign(
                SshBridgeProcess.ca(dir),
                alice,
                "alice-jump",
                "-I",
                "alice@example.com",
                "-n",
                "alice",
                "-V",
                "-1m:+10m",
                "-z",
                "1001");
        aliceConfig = bridge.sshConfig("alice", "alice", alice, cert);
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (halfClose != null) {
            halfClose.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void sshJumpsThroughTheBridgeToAnAllowedSshdAndRunsACommand() {
        final int before = bridge.audit().size();

        final ProcessResult result =
                Commands.run(jump("127.0.0.1", sshd.port(), "echo hello-through-the-bridge"), SSH_TIMEOUT);

        assertEquals(0, result.exitCode(), () -> result + diagnostics());
        assertEquals("hello-through-the-bridge\n", result.stdout());
        // Records of earlier tests may still be landing: pick this one by its target.
        final Map<String, Object> channel =
                bridge.awaitAudit(before, where("type", "channel").and(where("target", "127.0.0.1:" + sshd.port())));
        assertEquals("127.0.0.1:" + sshd.port(), channel.get("target"));
        assertEquals("127.0.0.1:" + sshd.port(), channel.get("resolved"));
        assertEquals("alice@example.com", channel.get("key_id"));
        assertEquals("alice", channel.get("principal"));
        assertEquals("1001", channel.get("serial"));
        // A whole SSH session to sshd crossed the channel: a few KiB each way, never nothing.
        assertTrue(number(channel, "bytes_client_to_target") > 1000, channel::toString);
        assertTrue(number(channel, "bytes_target_to_client") > 1000, channel::toString);
        final Map<String, Object> session =
                bridge.awaitAudit(before, where("type", "session").and(where("session", channel.get("session"))));
        assertTrue(((String) session.get("ca_fingerprint")).startsWith("SHA256:"), session::toString);
        assertTrue(((String) session.get("source")).startsWith("127.0.0.1:"), session::toString);
        assertTrue(((String) session.get("end_reason")).length() > 0, session::toString);
        assertTrue(sshd.log().contains("Accepted publickey for " + sshd.user()), sshd::log);
    }

    @Test
    void theJumpSeesStrictKeyExchange() {
        final List<String> command = jump("127.0.0.1", sshd.port(), "true");
        command.add(1, "-vvv");
        final ProcessResult result = Commands.run(command, SSH_TIMEOUT);
        assertEquals(0, result.exitCode(), () -> result + diagnostics());
        // -v is handed down to the jump's ssh, so the bridge leg's negotiation is in this output too.
        assertTrue(result.stderr().contains("kex-strict-s-v00@openssh.com"), result::toString);
        assertTrue(result.stderr().contains("remote software version PortlessBridge"), result::toString);
        assertTrue(result.stderr().contains("will use strict KEX ordering"), result::toString);
    }

    @Test
    void aTargetOutsideThePolicyIsRefusedWithASentence() {
        final int before = bridge.audit().size();
        final ProcessResult result = Commands.run(jump("10.9.9.9", 22, "true"), SSH_TIMEOUT);

        assertEquals(255, result.exitCode(), result::toString);
        final String reason = "10.9.9.9:22 is not allowed for principal \"alice\" by the bridge policy";
        assertTrue(
                result.stderr().contains("channel 0: open failed: administratively prohibited: " + reason),
                result::toString);
        final Map<String, Object> channel =
                bridge.awaitAudit(before, where("type", "channel").and(where("target", "10.9.9.9:22")));
        assertEquals("refused: " + reason, channel.get("end_reason"));
        assertEquals(null, channel.get("resolved"));
        assertTrue(bridge.log().contains(reason), bridge::log);
    }

    @Test
    void theCloudMetadataAddressIsRefusedEvenUnderABroadRule() {
        final ProcessResult result = Commands.run(jump("169.254.169.254", 80, "true"), SSH_TIMEOUT);

        assertEquals(255, result.exitCode(), result::toString);
        assertTrue(
                result.stderr()
                        .contains(
                                "channel 0: open failed: administratively prohibited: "
                                        + "169.254.169.254:80 is refused: 169.254.169.254 is a link-local or cloud metadata address"),
                result::toString);
    }

    @Test
    void stdioForwardingCarriesEveryByteAndTheAuditCountsThemExactly() throws IOException {
        final byte[] payload = new byte[3 << 20];
        new SplittableRandom(0xb51d9eL).nextBytes(payload);
        final Path input = Files.write(dir.resolve("payload.bin"), payload);
        final int before = bridge.audit().size();

        final ProcessResult result = Commands.run(
                List.of("ssh", "-F", aliceConfig.toString(), "-W", "127.0.0.1:" + halfClose.port(), "portless-bridge"),
                SSH_TIMEOUT,
                Map.of(),
                input);

        assertEquals(0, result.exitCode(), () -> result + diagnostics());
        assertEquals(HalfCloseServer.replyFor(payload), result.stdout());
        final Map<String, Object> channel = bridge.awaitAudit(
                before, where("type", "channel").and(where("target", "127.0.0.1:" + halfClose.port())));
        assertEquals((long) payload.length, number(channel, "bytes_client_to_target"), channel::toString);
        assertEquals(65L, number(channel, "bytes_target_to_client"), channel::toString);
        assertEquals("closed by the target", channel.get("end_reason"));
    }

    @Test
    void aNameTheBridgeResolvesToLoopbackIsRefused() {
        // "localhost:9" is allowed by name, but the bridge resolves it once, sees loopback, and nothing lists
        // that address: a name never opens the bridge host's own services.
        final ProcessResult result = Commands.run(
                List.of("ssh", "-F", aliceConfig.toString(), "-W", "localhost:9", "portless-bridge"), SSH_TIMEOUT);

        assertEquals(255, result.exitCode(), result::toString);
        assertTrue(
                result.stderr()
                        .contains("open failed: administratively prohibited: localhost:9 is refused: "
                                + "it resolves to "),
                result::toString);
        assertTrue(result.stderr().contains("which is a loopback address"), result::toString);
    }

    @Test
    void sigtermEndsOpenSessionsAndTheirRecordsSaySo(@TempDir Path stopDir) throws Exception {
        final SshBridgeProcess stopping = SshBridgeProcess.start(
                stopDir,
                String.join(
                        "\n", "policy:", "  - principals: [alice]", "    allow: [127.0.0.1:" + halfClose.port() + "]"));
        try {
            final Path key = SshBridgeProcess.keygen(stopDir.resolve("alice"));
            final Path cert = SshBridgeProcess.sign(
                    SshBridgeProcess.ca(stopDir),
                    key,
                    "alice-stop",
                    "-I",
                    "alice-stop",
                    "-n",
                    "alice",
                    "-V",
                    "-1m:+10m");
            final Path config = stopping.sshConfig("alice", "alice", key, cert);
            // stdin stays open, so the channel stays open until the bridge goes away.
            final Process ssh = new ProcessBuilder(
                            "ssh", "-F", config.toString(), "-W", "127.0.0.1:" + halfClose.port(), "portless-bridge")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                stopping.process().awaitOutput(Pattern.compile("connected to 127\\.0\\.0\\.1:"), SSH_TIMEOUT);
                stopping.close();
                final Map<String, Object> channel = stopping.awaitAudit(0, where("type", "channel"));
                final Map<String, Object> session = stopping.awaitAudit(0, where("type", "session"));
                assertEquals("bridge stopped", channel.get("end_reason"), channel::toString);
                assertEquals("bridge stopped", session.get("end_reason"), session::toString);
                assertEquals("alice-stop", session.get("key_id"));
            } finally {
                ssh.destroyForcibly();
            }
        } finally {
            stopping.close();
        }
    }

    /** Returns {@code ssh -J portless-bridge user@host -p port command}, trusting sshd's host key. */
    private List<String> jump(String host, int port, String command) {
        return new ArrayList<>(List.of(
                "ssh",
                "-F",
                aliceConfig.toString(),
                "-J",
                "portless-bridge",
                "-o",
                "UserKnownHostsFile=" + sshd.knownHostsFile(),
                "-i",
                sshd.clientKey().toString(),
                "-p",
                Integer.toString(port),
                sshd.user() + "@" + host,
                command));
    }

    private String diagnostics() {
        return "\n--- bridge log ---\n" + bridge.log() + "\n--- sshd log ---\n" + sshd.log();
    }

    private static long number(Map<String, Object> record, String key) {
        return ((Number) record.get(key)).longValue();
    }
}
