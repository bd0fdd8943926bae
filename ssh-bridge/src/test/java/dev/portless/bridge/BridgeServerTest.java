package dev.portless.bridge;

import static dev.portless.bridge.testing.AuditRecords.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.bridge.config.BridgeConfig;
import dev.portless.bridge.forward.Resolver;
import dev.portless.bridge.testing.AuditRecords;
import dev.portless.bridge.testing.HalfCloseTarget;
import dev.portless.bridge.testing.OpenSsh;
import dev.portless.common.config.ConfigNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge in this JVM, driven by the real OpenSSH client with {@code ssh -W} (what {@code ssh -J} runs
 * for its jump): bytes go through and are counted exactly, strict key exchange is on, old algorithms are
 * refused, and every refusal reaches the user as a sentence. The certificate matrix against a real sshd
 * target lives in integration-tests ({@code SshBridgeJumpTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class BridgeServerTest {

    private Path dir;
    private Path user;
    private Path cert;
    private Path knownHosts;
    private Path auditLog;
    private HalfCloseTarget target;
    private BridgeServer bridge;

    @BeforeAll
    void start(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        final Path ca = OpenSsh.keygen(dir, "ca", "ed25519");
        user = OpenSsh.keygen(dir, "alice", "ed25519");
        cert = OpenSsh.sign(
                ca,
                OpenSsh.pub(user),
                "alice-session",
                "-I",
                "alice@example.com",
                "-n",
                "alice",
                "-V",
                "-1m:+10m",
                "-z",
                "7");
        target = HalfCloseTarget.start();
        auditLog = dir.resolve("audit.jsonl");
        final BridgeConfig config = BridgeConfig.from(
                ConfigNode.parse(
                        dir.resolve("bridge.yml").toString(),
                        String.join(
                                "\n",
                                "listen: 127.0.0.1:0",
                                "host-key: host_ed25519",
                                "trusted-user-ca-keys: [ca.pub]",
                                "audit-log: audit.jsonl",
                                "policy:",
                                "  - principals: [alice]",
                                // Port 1 (tcpmux) is closed on a test machine: an allowed target that refuses.
                                "    allow: [127.0.0.1:" + target.port() + ", 0.0.0.0/0:80, 127.0.0.1:1]",
                                "")),
                Resolver.system());
        bridge = BridgeServer.start(config);
        knownHosts = Files.writeString(
                dir.resolve("known_hosts"),
                "[127.0.0.1]:" + bridge.port() + " " + Files.readString(dir.resolve("host_ed25519.pub")));
    }

    @AfterAll
    void stop() throws IOException {
        if (bridge != null) {
            bridge.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void forwardsStdioToAnAllowedTargetAndAuditsExactByteCounts() throws IOException {
        final byte[] payload = new byte[1 << 20];
        new SplittableRandom(42).nextBytes(payload);
        final Path input = Files.write(dir.resolve("payload.bin"), payload);
        final int before = AuditRecords.read(auditLog).size();

        final OpenSsh.Result result = OpenSsh.run(ssh("-W", "127.0.0.1:" + target.port()), input);

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(HalfCloseTarget.replyFor(payload), result.stdout());
        // Records of earlier tests may still be landing: pick this one by its target.
        final Map<String, Object> channel = AuditRecords.await(
                auditLog, before, where("type", "channel").and(where("target", "127.0.0.1:" + target.port())));
        assertEquals("127.0.0.1:" + target.port(), channel.get("resolved"));
        assertEquals((long) payload.length, ((Number) channel.get("bytes_client_to_target")).longValue());
        assertEquals(65L, ((Number) channel.get("bytes_target_to_client")).longValue());
        assertEquals("closed by the target", channel.get("end_reason"));
        assertEquals("alice@example.com", channel.get("key_id"));
        assertEquals("alice", channel.get("principal"));
        assertEquals("7", channel.get("serial"));
        final Map<String, Object> session = AuditRecords.await(
                auditLog, before, where("type", "session").and(where("session", channel.get("session"))));
        assertEquals("alice@example.com", session.get("key_id"));
        assertTrue(((String) session.get("ca_fingerprint")).startsWith("SHA256:"), session::toString);
        assertTrue(((String) session.get("source")).startsWith("127.0.0.1:"), session::toString);
        assertNotEquals(session.get("start"), session.get("end"));
        assertEquals(List.of(), session.get("auth_refusals"));
        final List<Map<String, Object>> all = AuditRecords.read(auditLog);
        assertTrue(all.indexOf(channel) < all.indexOf(session), "a session's channels are logged above it");
    }

    @Test
    void usesStrictKeyExchangeAndModernAlgorithmsOnly() {
        final OpenSsh.Result verbose = OpenSsh.run(ssh("-vvv", "-W", "127.0.0.1:" + target.port()));
        assertEquals(0, verbose.exitCode(), verbose::toString);
        assertTrue(verbose.stderr().contains("kex-strict-s-v00@openssh.com"), "the bridge offers strict KEX");
        assertTrue(verbose.stderr().contains("will use strict KEX ordering"), "OpenSSH sees strict KEX");
        assertTrue(verbose.stderr().contains("remote software version PortlessBridge"), verbose.stderr());
        // Debian 12's OpenSSH 9.2 has no mlkem768x25519-sha256, so its best post-quantum hybrid is the proof.
        assertTrue(verbose.stderr().contains("kex: algorithm: sntrup761x25519-sha512"), verbose.stderr());
        assertTrue(verbose.stderr().contains("kex: host key algorithm: ssh-ed25519"), verbose.stderr());
        assertTrue(verbose.stderr().contains("cipher: chacha20-poly1305@openssh.com"), verbose.stderr());

        assertRefusedAlgorithm("no matching key exchange method found", "KexAlgorithms=diffie-hellman-group14-sha1");
        assertRefusedAlgorithm("no matching cipher found", "Ciphers=aes128-cbc,3des-cbc");
        assertRefusedAlgorithm("no matching MAC found", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha1,hmac-sha2-256");
        assertRefusedAlgorithm("no matching host key type found", "HostKeyAlgorithms=ssh-rsa,ssh-dss");
    }

    @Test
    void offersThePostQuantumHybridsFirstAndClassicalOnesForOlderClients() {
        final OpenSsh.Result verbose = OpenSsh.run(ssh("-vvv", "-W", "127.0.0.1:" + target.port()));
        assertEquals(0, verbose.exitCode(), verbose::toString);
        final String offer = verbose.stderr()
                .lines()
                .filter(l -> l.contains("peer server KEXINIT proposal"))
                .findFirst()
                .map(l -> verbose.stderr()
                        .substring(verbose.stderr().indexOf(l))
                        .lines()
                        .skip(1)
                        .findFirst()
                        .orElse(""))
                .orElse("");
        assertTrue(
                offer.contains("KEX algorithms: mlkem768x25519-sha256,sntrup761x25519-sha512,"
                        + "sntrup761x25519-sha512@openssh.com,curve25519-sha256"),
                offer);
        final OpenSsh.Result classical =
                OpenSsh.run(ssh("-v", "-o", "KexAlgorithms=curve25519-sha256", "-W", "127.0.0.1:" + target.port()));
        assertEquals(0, classical.exitCode(), classical::toString);
        assertTrue(classical.stderr().contains("kex: algorithm: curve25519-sha256"), classical.stderr());
    }

    @Test
    void offersAHostCertificateBesideThePlainHostKey() throws IOException {
        final Path hostCa = OpenSsh.keygen(dir, "host_ca", "ed25519");
        final Path hostKey = OpenSsh.keygen(dir, "certified_host", "ed25519");
        final Path hostCert = OpenSsh.sign(
                hostCa, OpenSsh.pub(hostKey), "certified_host_signed", "-h", "-I", "bridge", "-n", "127.0.0.1");
        final BridgeConfig config = BridgeConfig.from(
                ConfigNode.parse(
                        dir.resolve("bridge-cert.yml").toString(),
                        String.join(
                                "\n",
                                "listen: 127.0.0.1:0",
                                "host-key: certified_host",
                                "host-certificate: " + hostCert.getFileName(),
                                "trusted-user-ca-keys: [ca.pub]",
                                "audit-log: audit-cert.jsonl",
                                "policy:",
                                "  - principals: [alice]",
                                "    allow: [127.0.0.1:" + target.port() + "]",
                                "")),
                Resolver.system());
        try (BridgeServer certified = BridgeServer.start(config)) {
            final String port = Integer.toString(certified.port());
            // A client that trusts the host CA verifies the certificate, with no entry for this bridge's key.
            final Path trustsCa = Files.writeString(
                    dir.resolve("known_hosts_ca"),
                    "@cert-authority [127.0.0.1]:" + port + " " + Files.readString(OpenSsh.pub(hostCa)));
            final List<String> viaCa = ssh("-v", "-W", "127.0.0.1:" + target.port());
            viaCa.set(viaCa.indexOf(Integer.toString(bridge.port())), port);
            viaCa.set(viaCa.indexOf("UserKnownHostsFile=" + knownHosts), "UserKnownHostsFile=" + trustsCa);
            final OpenSsh.Result certificate = OpenSsh.run(viaCa);
            assertEquals(0, certificate.exitCode(), certificate::toString);
            assertTrue(
                    certificate.stderr().contains("kex: host key algorithm: ssh-ed25519-cert-v01@openssh.com"),
                    certificate.stderr());

            // A client that refuses certificates still gets the plain key, pinned in its known_hosts.
            final Path pinned = Files.writeString(
                    dir.resolve("known_hosts_pinned"),
                    "[127.0.0.1]:" + port + " " + Files.readString(OpenSsh.pub(hostKey)));
            final List<String> plainKey =
                    ssh("-v", "-o", "HostKeyAlgorithms=ssh-ed25519", "-W", "127.0.0.1:" + target.port());
            plainKey.set(plainKey.indexOf(Integer.toString(bridge.port())), port);
            plainKey.set(plainKey.indexOf("UserKnownHostsFile=" + knownHosts), "UserKnownHostsFile=" + pinned);
            final OpenSsh.Result plain = OpenSsh.run(plainKey);
            assertEquals(0, plain.exitCode(), plain::toString);
            assertTrue(plain.stderr().contains("kex: host key algorithm: ssh-ed25519"), plain.stderr());
        }
    }

    @Test
    void refusesMetadataWithAClearSentence() {
        final int before = AuditRecords.read(auditLog).size();
        final OpenSsh.Result result = OpenSsh.run(ssh("-W", "169.254.169.254:80"));

        assertEquals(255, result.exitCode(), result::toString);
        final String expected = "169.254.169.254:80 is refused: 169.254.169.254 is a link-local or cloud metadata "
                + "address (cloud metadata services answer there); list it in the policy explicitly "
                + "or set allow-link-local: true";
        assertTrue(result.stderr().contains("open failed: administratively prohibited: " + expected), result::toString);
        final Map<String, Object> channel = AuditRecords.await(
                auditLog, before, where("type", "channel").and(where("target", "169.254.169.254:80")));
        assertEquals("refused: " + expected, channel.get("end_reason"));
        assertEquals(0L, ((Number) channel.get("bytes_client_to_target")).longValue());
    }

    @Test
    void reportsATargetThatRefusesTheConnection() {
        final int before = AuditRecords.read(auditLog).size();
        final OpenSsh.Result result = OpenSsh.run(ssh("-W", "127.0.0.1:1"));

        assertEquals(255, result.exitCode(), result::toString);
        assertTrue(
                result.stderr()
                        .contains("open failed: connect failed: cannot connect to 127.0.0.1:1 from the "
                                + "bridge: Connection refused"),
                result::toString);
        final Map<String, Object> channel =
                AuditRecords.await(auditLog, before, where("type", "channel").and(where("target", "127.0.0.1:1")));
        assertEquals("127.0.0.1:1", channel.get("resolved"));
        assertTrue(((String) channel.get("end_reason")).startsWith("connect failed: "), channel::toString);
    }

    @Test
    void refusesShellsRemoteForwardingPasswordsAndPlainKeys() {
        final OpenSsh.Result shell = OpenSsh.run(ssh("true"));
        assertEquals(255, shell.exitCode(), shell::toString);
        assertTrue(
                shell.stderr()
                        .contains("open failed: administratively prohibited: this bridge runs no shell, "
                                + "command or subsystem; use it as a jump host"),
                shell::toString);

        final OpenSsh.Result remote = OpenSsh.run(ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"));
        assertEquals(255, remote.exitCode(), remote::toString);
        assertTrue(remote.stderr().contains("remote port forwarding failed"), remote::toString);

        final OpenSsh.Result password = OpenSsh.run(ssh(
                "-o", "PreferredAuthentications=password,keyboard-interactive", "-W", "127.0.0.1:" + target.port()));
        assertEquals(255, password.exitCode(), password::toString);
        // The server lists its methods on every failure: publickey alone, no password, no keyboard-interactive.
        assertTrue(password.stderr().contains("Permission denied (publickey)."), password::toString);

        final int before = AuditRecords.read(auditLog).size();
        final List<String> plain = new ArrayList<>(ssh("-W", "127.0.0.1:" + target.port()));
        plain.set(plain.indexOf("CertificateFile=" + cert), "CertificateFile=/dev/null");
        final OpenSsh.Result refused = OpenSsh.run(plain);
        assertEquals(255, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().contains("Permission denied (publickey)"), refused::toString);
        final Map<String, Object> session = AuditRecords.await(
                auditLog,
                before,
                where("type", "session")
                        .and(record -> String.valueOf(record.get("end_reason"))
                                .startsWith("authentication refused: plain public key")));
        assertEquals(null, session.get("key_id"));
    }

    @Test
    void runsCommandsOnlyWhenShellIsTrue() {
        final BridgeConfig config = BridgeConfig.from(
                ConfigNode.parse(
                        dir.resolve("shell.yml").toString(),
                        String.join(
                                "\n",
                                "listen: 127.0.0.1:0",
                                "host-key: host_ed25519",
                                "trusted-user-ca-keys: [ca.pub]",
                                "audit-log: shell-audit.jsonl",
                                "shell: true",
                                "")),
                Resolver.system());
        try (BridgeServer shell = BridgeServer.start(config)) {
            final List<String> command = ssh("echo", "bridge-shell-$((40+2))");
            command.set(command.indexOf(Integer.toString(bridge.port())), Integer.toString(shell.port()));
            command.set(command.indexOf("UserKnownHostsFile=" + knownHosts), "UserKnownHostsFile=" + knownHosts(shell));
            final OpenSsh.Result result = OpenSsh.run(command);
            assertEquals(0, result.exitCode(), result::toString);
            assertEquals("bridge-shell-42\n", result.stdout());
        }
    }

    private Path knownHosts(BridgeServer server) {
        try {
            return Files.writeString(
                    dir.resolve("known_hosts_" + server.port()),
                    "[127.0.0.1]:" + server.port() + " " + Files.readString(dir.resolve("host_ed25519.pub")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertRefusedAlgorithm(String expected, String option, String... more) {
        final List<String> command = new ArrayList<>(ssh("-o", option));
        command.addAll(command.size() - 1, Arrays.asList(more));
        final OpenSsh.Result result = OpenSsh.run(command);
        assertEquals(255, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains(expected), result::toString);
    }

    /** Returns ssh to the bridge as alice with her certificate; {@code extra} goes before the destination. */
    private List<String> ssh(String... extra) {
        final List<String> command = new ArrayList<>(List.of(
                OpenSsh.SSH,
                "-F",
                "/dev/null",
                "-o",
                "BatchMode=yes",
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "UserKnownHostsFile=" + knownHosts,
                "-o",
                "GlobalKnownHostsFile=/dev/null",
                "-o",
                "UpdateHostKeys=no",
                "-o",
                "ConnectTimeout=10",
                "-i",
                user.toString(),
                "-o",
                "CertificateFile=" + cert,
                "-p",
                Integer.toString(bridge.port())));
        final List<String> trailing = new ArrayList<>(Arrays.asList(extra));
        // Options before the destination, a remote command after it.
        if (!trailing.isEmpty() && !trailing.get(0).startsWith("-")) {
            command.add("alice@127.0.0.1");
            command.addAll(trailing);
        } else {
            command.addAll(trailing);
            command.add("alice@127.0.0.1");
        }
        return command;
    }
}
