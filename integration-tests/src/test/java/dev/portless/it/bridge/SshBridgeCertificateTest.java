package dev.portless.it.bridge;

import static dev.portless.it.bridge.SshBridgeProcess.where;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of key the bridge must refuse, made by {@code ssh-keygen} and presented by the real OpenSSH
 * client through {@code ssh -J} (MINA's client where OpenSSH itself would not send the key): the user sees
 * "Permission denied (publickey)", and the bridge's log and audit record say exactly why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SshBridgeCertificateTest {

    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(60);

    private Path dir;
    private Path ca;
    private Path alice;
    private Sshd sshd;
    private SshBridgeProcess bridge;

    @BeforeAll
    void start(@TempDir Path tempDir) {
        dir = tempDir;
        sshd = Sshd.start();
        bridge = SshBridgeProcess.start(
                dir,
                String.join("\n", "policy:", "  - principals: [alice]", "    allow: [127.0.0.1:" + sshd.port() + "]"));
        ca = SshBridgeProcess.ca(dir);
        alice = SshBridgeProcess.keygen(dir.resolve("alice"));
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void expiredCertificate() {
        assertRefused(certificate("expired", "-n", "alice", "-V", "-20m:-10m"), "expired at");
    }

    @Test
    void notYetValidCertificate() {
        assertRefused(certificate("future", "-n", "alice", "-V", "+10m:+20m"), "is not valid yet (valid from");
    }

    @Test
    void wrongPrincipal() {
        assertRefused(
                certificate("bob-only", "-n", "bob", "-V", "-1m:+5m"),
                "does not name the login \"alice\" among its principals \"bob\"");
    }

    @Test
    void signedByAnotherCa() {
        final Path otherCa = SshBridgeProcess.keygen(dir.resolve("other-ca"));
        final Path cert =
                SshBridgeProcess.sign(otherCa, alice, "other-ca-cert", "-I", "other", "-n", "alice", "-V", "-1m:+5m");
        assertRefused(bridge.sshConfig("other-ca", "alice", alice, cert), "which is not in trusted-user-ca-keys");
    }

    @Test
    void hostCertificateUsedAsAUserCertificate() throws Exception {
        // OpenSSH's client will not offer a host certificate for user auth ("pubkey_prepare: ignoring
        // certificate: not a user certificate"), nor will MINA's, so a hostile client offers it.
        final Path hostCert =
                SshBridgeProcess.sign(ca, alice, "host-cert", "-h", "-I", "host-cert", "-n", "alice", "-V", "-1m:+5m");
        final int before = bridge.audit().size();

        final boolean accepted = CertificateOfferingClient.offer(
                bridge.port(), bridge.hostKey(), "alice", SshBridgeProcess.publicKey(hostCert), SSH_TIMEOUT);

        assertFalse(accepted);
        assertLogAndAudit(before, "certificate \"host-cert\" serial 0 is a host certificate, not a user certificate");
    }

    @Test
    void theCaKeyPresentedAsAUserKey() {
        assertRefused(
                bridge.sshConfig("ca-as-user", "alice", ca, null),
                "itself; CA keys sign certificates and " + "never log in");
    }

    @Test
    void sourceAddressMismatch() {
        assertRefused(
                certificate("source", "-n", "alice", "-V", "-1m:+5m", "-O", "source-address=192.0.2.0/24"),
                "source-address \"192.0.2.0/24\" does not include the client address 127.0.0.1");
    }

    @Test
    void unknownCriticalOption() {
        assertRefused(
                certificate("critical", "-n", "alice", "-V", "-1m:+5m", "-O", "critical:portless-test@example.com=1"),
                "critical option \"portless-test@example.com\" is not supported by the bridge");
    }

    @Test
    void plainKeyThatIsNotACertificate() {
        final Path plain = SshBridgeProcess.keygen(dir.resolve("plain"));
        assertRefused(
                bridge.sshConfig("plain", "alice", plain, null),
                "is not a certificate; the bridge accepts only " + "OpenSSH user certificates");
    }

    @Test
    void aMatchingSourceAddressIsAccepted() {
        final ProcessResult result =
                jump(certificate("source-ok", "-n", "alice", "-V", "-1m:+5m", "-O", "source-address=127.0.0.0/8,::1"));
        assertEquals(0, result.exitCode(), () -> result + "\n--- bridge log ---\n" + bridge.log());
        assertEquals("ok\n", result.stdout());
    }

    @Test
    void aCertificateWithoutPortForwardingLogsInButCannotJump() {
        final ProcessResult result =
                jump(certificate("no-forwarding", "-n", "alice", "-V", "-1m:+5m", "-O", "no-port-forwarding"));
        assertEquals(255, result.exitCode(), result::toString);
        assertTrue(
                result.stderr()
                        .contains("open failed: administratively prohibited: certificate \"no-forwarding\" "
                                + "does not permit port forwarding"),
                result::toString);
    }

    /** Returns an ssh_config presenting alice's key with a certificate from the trusted CA, key id {@code name}. */
    private Path certificate(String name, String... options) {
        final String[] all = new String[options.length + 2];
        all[0] = "-I";
        all[1] = name;
        System.arraycopy(options, 0, all, 2, options.length);
        return bridge.sshConfig(name, "alice", alice, SshBridgeProcess.sign(ca, alice, name, all));
    }

    private void assertRefused(Path sshConfig, String reason) {
        final int before = bridge.audit().size();

        final ProcessResult result = jump(sshConfig);

        assertEquals(255, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("alice@127.0.0.1: Permission denied (publickey)."), result::toString);
        assertLogAndAudit(before, reason);
    }

    private void assertLogAndAudit(int before, String reason) {
        assertTrue(
                bridge.log().contains(reason), () -> "the bridge log does not say <" + reason + ">:\n" + bridge.log());
        // Records of earlier tests may still be landing: pick this one by its reason.
        final Map<String, Object> session = bridge.awaitAudit(
                before,
                where("type", "session")
                        .and(record -> String.valueOf(record.get("end_reason")).contains(reason)));
        final String endReason = (String) session.get("end_reason");
        assertTrue(
                endReason.startsWith("authentication refused: ") && endReason.contains(reason),
                () -> "audit end_reason <" + endReason + "> does not say <" + reason + ">");
        assertEquals(null, session.get("principal"), "a refused session has no identity");
        assertTrue(
                ((List<?>) session.get("auth_refusals")).stream().anyMatch(r -> ((String) r).contains(reason)),
                session::toString);
    }

    private ProcessResult jump(Path sshConfig) {
        return Commands.run(
                List.of(
                        "ssh",
                        "-F",
                        sshConfig.toString(),
                        "-J",
                        "portless-bridge",
                        "-o",
                        "UserKnownHostsFile=" + sshd.knownHostsFile(),
                        "-i",
                        sshd.clientKey().toString(),
                        "-p",
                        Integer.toString(sshd.port()),
                        sshd.user() + "@127.0.0.1",
                        "echo ok"),
                SSH_TIMEOUT);
    }
}
