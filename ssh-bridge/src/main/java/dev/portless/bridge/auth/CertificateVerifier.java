package dev.portless.bridge.auth;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.audit.LogText;
import dev.portless.bridge.identity.CertificateIdentity;
import dev.portless.common.net.IpLiterals;
import dev.portless.common.net.IpRange;
import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.OpenSshCertificate.CertificateOption;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * The check that a public key presented for a login is an OpenSSH user certificate the bridge accepts,
 * with the same rules as sshd's {@code TrustedUserCAKeys} and stricter ones where a bastion needs them:
 * a trusted CA's valid SHA-2 signature, a user (not host) certificate, inside its validity window, the login
 * among its principals, its {@code source-address} honoured and no critical option the bridge does not
 * understand. Plain keys, and the CA keys themselves, never log in.
 */
public final class CertificateVerifier {

    /** How far the bridge's clock may be from the CA's; certificates are short-lived, so keep it small. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private static final String SOURCE_ADDRESS = "source-address";
    private static final String PERMIT_PORT_FORWARDING = "permit-port-forwarding";
    // The largest uint64 second OpenSSH prints as a date; later means "forever" (valid_before 0xffff...).
    private static final long YEAR_9999 = 253_402_300_799L;

    private final TrustedCaKeys trusted;
    private final Clock clock;

    /** Returns a verifier trusting {@code trusted}, reading the time from {@code clock}. */
    public CertificateVerifier(TrustedCaKeys trusted, Clock clock) {
        this.trusted = requireNonNull(trusted, "trusted");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Returns whether {@code key}, presented by a client at {@code clientAddress} to log in as {@code login},
     * is accepted. Does not check that the client holds the private key: the SSH signature proves that.
     */
    public CertificateDecision verify(String login, PublicKey key, InetAddress clientAddress) {
        requireNonNull(login, "login");
        requireNonNull(key, "key");
        requireNonNull(clientAddress, "clientAddress");
        if (!(key instanceof OpenSshCertificate)) {
            final Optional<TrustedCa> ca = trusted.find(key);
            if (ca.isPresent()) {
                return refused("the key presented is the trusted CA key "
                        + ca.get().fingerprint() + " itself; CA keys sign certificates and never log in");
            }
            return refused("plain public key " + KeyUtils.getFingerPrint(key) + " is not a certificate; the bridge "
                    + "accepts only OpenSSH user certificates signed by a trusted CA");
        }
        final OpenSshCertificate cert = (OpenSshCertificate) key;
        final String name =
                "certificate " + LogText.quote(cert.getId()) + " serial " + Long.toUnsignedString(cert.getSerial());
        if (cert.getType() != OpenSshCertificate.Type.USER) {
            return refused(name + " is a host certificate, not a user certificate");
        }
        final PublicKey caKey = cert.getCaPubKey();
        final Optional<TrustedCa> ca = trusted.find(caKey);
        if (ca.isEmpty()) {
            return refused(name + " is signed by CA " + KeyUtils.getFingerPrint(caKey)
                    + ", which is not in trusted-user-ca-keys");
        }
        final String badSignature = signatureProblem(cert, caKey);
        if (badSignature != null) {
            return refused(name + ": " + badSignature);
        }
        final PublicKey certified = cert.getCertPubKey();
        final Optional<TrustedCa> certifiedCa = trusted.find(certified);
        if (certifiedCa.isPresent()) {
            return refused(name + " certifies the trusted CA key "
                    + certifiedCa.get().fingerprint() + " itself; CA keys never log in");
        }
        final String weakness = KeyRules.weakness(certified);
        if (weakness != null) {
            return refused(name + ": certified " + weakness);
        }
        final String outOfWindow = validityProblem(cert);
        if (outOfWindow != null) {
            return refused(name + ' ' + outOfWindow);
        }
        final Collection<String> principals = cert.getPrincipals();
        if (principals == null || principals.isEmpty()) {
            return refused(name + " names no principals; the bridge requires the login name among them");
        }
        if (!principals.contains(login)) {
            return refused(name + " does not name the login " + LogText.quote(login) + " among its principals "
                    + LogText.quote(String.join(",", principals)));
        }
        final String optionProblem = criticalOptionProblem(cert, clientAddress);
        if (optionProblem != null) {
            return refused(name + ": " + optionProblem);
        }
        final boolean forwarding =
                cert.getExtensions().stream().anyMatch(option -> PERMIT_PORT_FORWARDING.equals(option.getName()));
        return new CertificateDecision.Accepted(new CertificateIdentity(
                cert.getId(),
                login,
                Long.toUnsignedString(cert.getSerial()),
                ca.get().fingerprint(),
                KeyUtils.getFingerPrint(certified),
                instantOrNull(cert.getValidBefore()),
                forwarding));
    }

    private static String signatureProblem(OpenSshCertificate cert, PublicKey caKey) {
        final String algorithm;
        try {
            // MINA reads the signature blob only when asked, so a malformed one throws here.
            algorithm = cert.getSignatureAlgorithm();
        } catch (RuntimeException e) {
            return "the CA signature is malformed (" + e.getMessage() + ')';
        }
        if (!KeyRules.CA_SIGNATURE_ALGORITHMS.contains(algorithm)) {
            return "CA signature algorithm " + LogText.quote(algorithm) + " is refused (expected SHA-2: "
                    + "ssh-ed25519, ecdsa-sha2-*, rsa-sha2-256 or rsa-sha2-512)";
        }
        if (!KeyUtils.getKeyType(caKey).equals(KeyUtils.getCanonicalKeyType(algorithm))) {
            return "CA signature algorithm " + algorithm + " does not match the CA key type "
                    + KeyUtils.getKeyType(caKey);
        }
        try {
            final Signature verifier =
                    BuiltinSignatures.fromFactoryName(algorithm).create();
            verifier.initVerifier(null, caKey);
            verifier.update(null, cert.getMessage());
            return verifier.verify(null, cert.getSignature()) ? null : "the CA signature does not verify";
        } catch (Exception e) {
            return "the CA signature cannot be verified: " + e.getMessage();
        }
    }

    private String validityProblem(OpenSshCertificate cert) {
        final long now = clock.instant().getEpochSecond();
        final long skew = CLOCK_SKEW.getSeconds();
        if (Long.compareUnsigned(cert.getValidAfter(), now + skew) > 0) {
            return "is not valid yet (valid from " + describe(cert.getValidAfter()) + ", now "
                    + Instant.ofEpochSecond(now) + ")";
        }
        if (cert.getValidBefore() != OpenSshCertificate.INFINITY
                && Long.compareUnsigned(now - skew, cert.getValidBefore()) >= 0) {
            return "expired at " + describe(cert.getValidBefore()) + " (now " + Instant.ofEpochSecond(now) + ")";
        }
        return null;
    }

    private static String criticalOptionProblem(OpenSshCertificate cert, InetAddress clientAddress) {
        final Set<String> seen = new HashSet<>();
        for (CertificateOption option : cert.getCriticalOptions()) {
            final String optionName = option.getName();
            if (!seen.add(optionName)) {
                return "critical option " + LogText.quote(optionName) + " appears twice";
            }
            if (!SOURCE_ADDRESS.equals(optionName)) {
                // force-command and verify-required are known to OpenSSH but mean nothing the bridge can
                // honour (it runs no commands; it takes no FIDO keys), so they are refused like unknown ones.
                return "critical option " + LogText.quote(optionName) + " is not supported by the bridge, and a "
                        + "certificate with a critical option the server does not enforce must be refused";
            }
            final String problem = sourceAddressProblem(option.getData(), clientAddress);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String sourceAddressProblem(String list, InetAddress clientAddress) {
        if (list == null || list.isBlank()) {
            return "critical option source-address is empty";
        }
        boolean matched = false;
        for (String item : list.split(",", -1)) {
            final IpRange range;
            try {
                range = IpRange.parse(item.strip());
            } catch (IllegalArgumentException e) {
                return "critical option source-address is malformed: " + e.getMessage();
            }
            matched |= range.contains(clientAddress);
        }
        return matched
                ? null
                : "source-address " + LogText.quote(list) + " does not include the client address "
                        + IpLiterals.text(clientAddress);
    }

    private static String describe(long epochSecond) {
        return Long.compareUnsigned(epochSecond, YEAR_9999) > 0
                ? "forever"
                : Instant.ofEpochSecond(epochSecond).toString();
    }

    private static Instant instantOrNull(long epochSecond) {
        return Long.compareUnsigned(epochSecond, YEAR_9999) > 0 ? null : Instant.ofEpochSecond(epochSecond);
    }

    private static CertificateDecision refused(String reason) {
        return new CertificateDecision.Refused(reason);
    }
}
