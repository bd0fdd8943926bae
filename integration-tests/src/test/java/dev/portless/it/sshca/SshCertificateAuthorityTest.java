package dev.portless.it.sshca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.connector.edge.sshca.CertificateRequest;
import dev.portless.connector.edge.sshca.Principals;
import dev.portless.connector.edge.sshca.SignedCertificate;
import dev.portless.connector.edge.sshca.SshCertificateAuthority;
import dev.portless.connector.edge.sshca.SshPermission;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's SSH CA against the real OpenSSH tools: ssh-keygen reads what it issues, and a real sshd
 * that trusts only the CA (no authorized_keys) lets the certificate's holder in.
 */
class SshCertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void keyIsCreatedPrivateAndReusedAcrossLoads() throws Exception {
        Path key = dir.resolve("ssh-ca");
        SshCertificateAuthority first = SshCertificateAuthority.loadOrCreate(key);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(
                first.publicKeyLine(), SshCertificateAuthority.loadOrCreate(key).publicKeyLine());
        assertTrue(first.publicKeyLine().startsWith("ssh-ed25519 "), first.publicKeyLine());
    }

    @Test
    void sshKeygenReadsTheCertificateAsIssued() throws Exception {
        Peers.require("ssh-keygen (Debian package openssh-client)", Files.isExecutable(Path.of("/usr/bin/ssh-keygen")));
        SshCertificateAuthority ca = SshCertificateAuthority.loadOrCreate(dir.resolve("ssh-ca"));
        Path userKey = newUserKey("ed25519");
        Instant tokenExpiry = Instant.now().plus(Duration.ofHours(1));
        SignedCertificate cert = ca.sign(new CertificateRequest(
                publicKey(userKey),
                "ada@example.com",
                List.of("ada"),
                Duration.ofMinutes(5),
                tokenExpiry,
                Set.of(SshPermission.PTY)));
        Path certFile = Path.of(userKey + "-cert.pub");
        Files.writeString(certFile, cert.openSshLine() + "\n");

        String listing = Commands.run(List.of("ssh-keygen", "-L", "-f", certFile.toString()), Duration.ofSeconds(10))
                .assertSuccess()
                .stdout();
        assertTrue(listing.contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate"), listing);
        assertTrue(listing.contains("Key ID: \"ada@example.com\""), listing);
        assertTrue(listing.contains("Serial: " + Long.toUnsignedString(cert.serial())), listing);
        assertTrue(listing.matches("(?s).*Principals:\\s+ada\\s+Critical Options: \\(none\\).*"), listing);
        assertTrue(listing.matches("(?s).*Extensions:\\s+permit-pty\\s*"), listing);
        assertTrue(cert.validAfter().isBefore(Instant.now().minus(Duration.ofMinutes(1))), "backdated for skew");
        assertTrue(cert.validBefore().isBefore(Instant.now().plus(Duration.ofMinutes(6))), "short-lived");
    }

    @Test
    void realSshdTrustingOnlyTheCaLetsTheHolderIn() throws Exception {
        SshCertificateAuthority ca = SshCertificateAuthority.loadOrCreate(dir.resolve("ssh-ca"));
        Path trusted = dir.resolve("trusted-user-ca-keys");
        Files.writeString(trusted, ca.publicKeyLine() + "\n");
        String user = System.getProperty("user.name");
        try (Sshd sshd = Sshd.start(List.of("TrustedUserCAKeys " + trusted, "AuthorizedKeysFile none"))) {
            Path userKey = newUserKey("ecdsa");
            SignedCertificate cert = ca.sign(new CertificateRequest(
                    publicKey(userKey),
                    "ada@example.com",
                    List.of(user),
                    Duration.ofMinutes(5),
                    Instant.now().plus(Duration.ofHours(1)),
                    Set.of()));
            Files.writeString(Path.of(userKey + "-cert.pub"), cert.openSshLine() + "\n");

            ProcessResult ok = Commands.run(
                    sshd.sshArgsWithIdentity(userKey, "echo certificate-accepted"), Duration.ofSeconds(30));
            assertEquals("certificate-accepted", ok.assertSuccess().stdout().trim());

            SignedCertificate other = ca.sign(new CertificateRequest(
                    publicKey(userKey),
                    "ada@example.com",
                    List.of("someone_else"),
                    Duration.ofMinutes(5),
                    Instant.now().plus(Duration.ofHours(1)),
                    Set.of()));
            Files.writeString(Path.of(userKey + "-cert.pub"), other.openSshLine() + "\n");
            ProcessResult refused =
                    Commands.run(sshd.sshArgsWithIdentity(userKey, "echo should-not-run"), Duration.ofSeconds(30));
            assertEquals(255, refused.exitCode(), "a certificate for another principal must be refused");
        }
    }

    @Test
    void refusesKeysAndPrincipalsThatWouldWidenAccess() throws Exception {
        Path caKey = dir.resolve("ssh-ca");
        SshCertificateAuthority ca = SshCertificateAuthority.loadOrCreate(caKey);
        PublicKey user = publicKey(newUserKey("ed25519"));
        Instant later = Instant.now().plus(Duration.ofHours(1));
        assertEquals(
                "principals: empty (a certificate without principals is valid for every user, so the CA never issues one)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ca.sign(new CertificateRequest(
                                        user, "ada", List.of(), Duration.ofMinutes(5), later, Set.of())))
                        .getMessage());
        for (String bad : List.of("ada,root", "*", "ad?", "a b", "")) {
            assertThrows(IllegalArgumentException.class, () -> Principals.check(bad), bad);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> ca.sign(new CertificateRequest(
                        publicKey(newUserKey("rsa1024")),
                        "ada",
                        List.of("ada"),
                        Duration.ofMinutes(5),
                        later,
                        Set.of())));
        PublicKey caPublic = AuthorizedKeyEntry.parseAuthorizedKeyEntry(ca.publicKeyLine())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        assertEquals(
                "the key to sign is the CA's own key; generate a user key",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ca.sign(new CertificateRequest(
                                        caPublic, "ada", List.of("ada"), Duration.ofMinutes(5), later, Set.of())))
                        .getMessage());
        assertEquals(
                "the sign-in behind this request has expired; sign in again",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ca.sign(new CertificateRequest(
                                        user,
                                        "ada",
                                        List.of("ada"),
                                        Duration.ofMinutes(5),
                                        Instant.now().minusSeconds(1),
                                        Set.of())))
                        .getMessage());
        assertEquals("ada.l", Principals.fromEmail("Ada.L@example.com"));
    }

    private Path newUserKey(String kind) throws Exception {
        Path key = dir.resolve("id_" + kind);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-f", key.toString()));
        switch (kind) {
            case "ed25519" -> cmd.addAll(List.of("-t", "ed25519"));
            case "ecdsa" -> cmd.addAll(List.of("-t", "ecdsa", "-b", "256"));
            case "rsa1024" -> cmd.addAll(List.of("-t", "rsa", "-b", "1024"));
            default -> throw new IllegalArgumentException(kind);
        }
        Commands.run(cmd, Duration.ofSeconds(30)).assertSuccess();
        return key;
    }

    private static PublicKey publicKey(Path privateKey) throws Exception {
        return AuthorizedKeyEntry.parseAuthorizedKeyEntry(
                        Files.readString(Path.of(privateKey + ".pub")).trim())
                .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    }
}
