package dev.portless.bridge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.bridge.identity.CertificateIdentity;
import dev.portless.bridge.testing.OpenSsh;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates made by the real {@code ssh-keygen}, checked at fixed instants so validity edges are exact.
 * Every refusal must name its reason, since that sentence is what the log and the audit record show.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateVerifierTest {

    private static final String WINDOW = "20300101000000:20300101010000";
    private static final Instant INSIDE = Instant.parse("2030-01-01T00:30:00Z");
    private static final InetAddress CLIENT = address("127.0.0.1");

    private Path dir;
    private Path ca;
    private Path otherCa;
    private Path user;
    private TrustedCaKeys trusted;

    @BeforeAll
    void keys(@TempDir Path tempDir) {
        dir = tempDir;
        ca = OpenSsh.keygen(dir, "ca", "ed25519");
        otherCa = OpenSsh.keygen(dir, "other-ca", "ed25519");
        user = OpenSsh.keygen(dir, "user", "ed25519");
        trusted = TrustedCaKeys.load(List.of(OpenSsh.pub(ca)));
    }

    @Test
    void acceptsAUserCertificateForOneOfItsPrincipals() {
        final Path cert = OpenSsh.sign(
                ca,
                OpenSsh.pub(user),
                "ok",
                "-I",
                "alice@example.com",
                "-n",
                "alice,ops",
                "-V",
                WINDOW,
                "-z",
                "18446744073709551615");

        final CertificateIdentity identity = accepted(verify(at(INSIDE), "ops", cert));

        assertEquals("alice@example.com", identity.keyId());
        assertEquals("ops", identity.principal());
        assertEquals("18446744073709551615", identity.serial(), "the serial is unsigned 64-bit");
        assertEquals(trusted.all().get(0).fingerprint(), identity.caFingerprint());
        assertEquals(Instant.parse("2030-01-01T01:00:00Z"), identity.validBefore());
        assertTrue(identity.permitsPortForwarding());
    }

    @Test
    void refusesExpiredAndNotYetValidCertificatesWithASmallSkewAllowance() {
        final Path cert = OpenSsh.sign(ca, OpenSsh.pub(user), "window", "-I", "kid", "-n", "alice", "-V", WINDOW);
        final Instant from = Instant.parse("2030-01-01T00:00:00Z");
        final Instant to = Instant.parse("2030-01-01T01:00:00Z");

        assertRefused(
                "is not valid yet (valid from 2030-01-01T00:00:00Z",
                verify(at(from.minus(CertificateVerifier.CLOCK_SKEW).minusSeconds(1)), "alice", cert));
        accepted(verify(at(from.minus(CertificateVerifier.CLOCK_SKEW)), "alice", cert));
        accepted(verify(at(to.plus(CertificateVerifier.CLOCK_SKEW).minusSeconds(1)), "alice", cert));
        assertRefused(
                "expired at 2030-01-01T01:00:00Z", verify(at(to.plus(CertificateVerifier.CLOCK_SKEW)), "alice", cert));
    }

    @Test
    void refusesALoginThatIsNotAmongThePrincipals() {
        final Path cert =
                OpenSsh.sign(ca, OpenSsh.pub(user), "wrong-principal", "-I", "kid", "-n", "alice", "-V", WINDOW);
        assertRefused(
                "does not name the login \"root\" among its principals \"alice\"", verify(at(INSIDE), "root", cert));
    }

    @Test
    void refusesACertificateWithoutPrincipals() {
        final Path cert = OpenSsh.sign(ca, OpenSsh.pub(user), "no-principals", "-I", "kid", "-V", WINDOW);
        assertRefused("names no principals", verify(at(INSIDE), "alice", cert));
    }

    @Test
    void refusesACertificateFromAnotherCa() {
        final Path cert = OpenSsh.sign(otherCa, OpenSsh.pub(user), "other", "-I", "kid", "-n", "alice", "-V", WINDOW);
        assertRefused("which is not in trusted-user-ca-keys", verify(at(INSIDE), "alice", cert));
    }

    @Test
    void refusesAHostCertificate() {
        final Path cert = OpenSsh.sign(ca, OpenSsh.pub(user), "host", "-h", "-I", "kid", "-n", "alice", "-V", WINDOW);
        assertRefused("is a host certificate, not a user certificate", verify(at(INSIDE), "alice", cert));
    }

    @Test
    void refusesTheCaKeyItselfPlainOrCertified() {
        assertRefused("is the trusted CA key SHA256:", verify(at(INSIDE), "alice", OpenSsh.pub(ca)));
        final Path selfSigned = OpenSsh.sign(ca, OpenSsh.pub(ca), "ca-self", "-I", "kid", "-n", "alice", "-V", WINDOW);
        assertRefused("certifies the trusted CA key SHA256:", verify(at(INSIDE), "alice", selfSigned));
    }

    @Test
    void refusesAPlainKey() {
        assertRefused(
                "is not a certificate; the bridge accepts only OpenSSH user certificates",
                verify(at(INSIDE), "alice", OpenSsh.pub(user)));
    }

    @Test
    void honoursSourceAddress() {
        final Path cert = OpenSsh.sign(
                ca,
                OpenSsh.pub(user),
                "source",
                "-I",
                "kid",
                "-n",
                "alice",
                "-V",
                WINDOW,
                "-O",
                "source-address=10.0.0.0/8,192.0.2.7");
        accepted(new CertificateVerifier(trusted, at(INSIDE))
                .verify("alice", OpenSsh.publicKey(cert), address("10.1.2.3")));
        accepted(new CertificateVerifier(trusted, at(INSIDE))
                .verify("alice", OpenSsh.publicKey(cert), address("192.0.2.7")));
        assertRefused(
                "source-address \"10.0.0.0/8,192.0.2.7\" does not include the client address 127.0.0.1",
                verify(at(INSIDE), "alice", cert));
    }

    @Test
    void refusesUnknownAndUnenforceableCriticalOptions() {
        final Path unknown = OpenSsh.sign(
                ca,
                OpenSsh.pub(user),
                "unknown-option",
                "-I",
                "kid",
                "-n",
                "alice",
                "-V",
                WINDOW,
                "-O",
                "critical:portless-test@example.com=1");
        assertRefused(
                "critical option \"portless-test@example.com\" is not supported by the bridge",
                verify(at(INSIDE), "alice", unknown));
        final Path forced = OpenSsh.sign(
                ca,
                OpenSsh.pub(user),
                "force-command",
                "-I",
                "kid",
                "-n",
                "alice",
                "-V",
                WINDOW,
                "-O",
                "force-command=/bin/true");
        assertRefused("critical option \"force-command\" is not supported", verify(at(INSIDE), "alice", forced));
    }

    @Test
    void acceptsButRecordsACertificateWithoutPortForwarding() {
        final Path cert = OpenSsh.sign(
                ca,
                OpenSsh.pub(user),
                "no-forwarding",
                "-I",
                "kid",
                "-n",
                "alice",
                "-V",
                WINDOW,
                "-O",
                "no-port-forwarding");
        assertFalse(accepted(verify(at(INSIDE), "alice", cert)).permitsPortForwarding());
    }

    @Test
    void refusesSha1CaSignaturesAndShortRsaKeys() {
        final Path rsaCa = OpenSsh.keygen(dir, "rsa-ca", "rsa", "-b", "3072");
        final TrustedCaKeys rsaTrusted = TrustedCaKeys.load(List.of(OpenSsh.pub(rsaCa)));
        final Path sha1 = OpenSsh.sign(
                rsaCa, OpenSsh.pub(user), "sha1", "-t", "ssh-rsa", "-I", "kid", "-n", "alice", "-V", WINDOW);
        assertRefused(
                "CA signature algorithm \"ssh-rsa\" is refused",
                new CertificateVerifier(rsaTrusted, at(INSIDE)).verify("alice", OpenSsh.publicKey(sha1), CLIENT));
        final Path sha512 = OpenSsh.sign(
                rsaCa, OpenSsh.pub(user), "sha512", "-t", "rsa-sha2-512", "-I", "kid", "-n", "alice", "-V", WINDOW);
        accepted(new CertificateVerifier(rsaTrusted, at(INSIDE)).verify("alice", OpenSsh.publicKey(sha512), CLIENT));

        final Path shortRsa = OpenSsh.keygen(dir, "rsa1024", "rsa", "-b", "1024");
        final Path shortCert =
                OpenSsh.sign(ca, OpenSsh.pub(shortRsa), "short", "-I", "kid", "-n", "alice", "-V", WINDOW);
        assertRefused("RSA key of 1024 bits is too short", verify(at(INSIDE), "alice", shortCert));
    }

    @Test
    void quotesClientChosenTextInReasons() {
        final Path cert =
                OpenSsh.sign(ca, OpenSsh.pub(user), "quoted", "-I", "evil\" key\nid", "-n", "alice", "-V", WINDOW);
        final CertificateDecision decision = verify(at(INSIDE), "root", cert);
        assertRefused("certificate \"evil\\\" key\\u000aid\"", decision);
        assertFalse(((CertificateDecision.Refused) decision).reason().contains("\n"));
    }

    private CertificateDecision verify(Clock clock, String login, Path keyFile) {
        return new CertificateVerifier(trusted, clock).verify(login, OpenSsh.publicKey(keyFile), CLIENT);
    }

    private static CertificateIdentity accepted(CertificateDecision decision) {
        if (decision instanceof CertificateDecision.Refused) {
            throw new AssertionError("refused: " + ((CertificateDecision.Refused) decision).reason());
        }
        return ((CertificateDecision.Accepted) decision).identity();
    }

    private static void assertRefused(String expectedPart, CertificateDecision decision) {
        final CertificateDecision.Refused refused = assertInstanceOf(CertificateDecision.Refused.class, decision);
        assertTrue(
                refused.reason().contains(expectedPart),
                () -> "expected the reason to contain <" + expectedPart + ">, got <" + refused.reason() + ">");
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
