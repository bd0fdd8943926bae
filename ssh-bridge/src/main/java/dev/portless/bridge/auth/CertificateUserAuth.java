package dev.portless.bridge.auth;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.audit.LogText;
import dev.portless.bridge.audit.SessionAudit;
import dev.portless.bridge.identity.CertificateIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.security.SignatureException;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactoriesManager;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's {@code publickey} user authentication: the same SSH message handling as MINA's,
 * but every presented key goes through {@link CertificateVerifier} first, so each refusal is logged and
 * audited with its reason, the validity window allows for clock skew, and plain keys never get as far
 * as a signature check. MINA's own certificate checks (CA signature, critical options) then run again.
 */
final class CertificateUserAuth extends UserAuthPublicKey {

    private static final Logger logger = LoggerFactory.getLogger(CertificateUserAuth.class);

    private final CertificateVerifier verifier;

    CertificateUserAuth(CertificateVerifier verifier) {
        this.verifier = requireNonNull(verifier, "verifier");
    }

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        final ServerSession session = getServerSession();
        final String login = getUsername();
        final boolean hasSignature = buffer.getBoolean();
        final String algorithm = buffer.getString();
        final int blobStart = buffer.rpos();
        final byte[] blob = buffer.getBytes();
        final int blobEnd = buffer.rpos();

        final PublicKey key;
        try {
            key = new ByteArrayBuffer(blob).getRawPublicKey();
        } catch (SshException | RuntimeException e) {
            return refuse(session, login, "the key offered cannot be read as an OpenSSH key (" + algorithm + ")");
        }
        final CertificateDecision decision = verifier.verify(login, key, clientAddress(session));
        if (decision instanceof CertificateDecision.Refused) {
            return refuse(session, login, ((CertificateDecision.Refused) decision).reason());
        }
        final CertificateIdentity identity = ((CertificateDecision.Accepted) decision).identity();
        final OpenSshCertificate cert = (OpenSshCertificate) key;
        if (!KeyRules.CERTIFICATE_AUTH_ALGORITHMS.contains(algorithm)
                || !KeyUtils.getKeyType(key).equals(KeyUtils.getCanonicalKeyType(algorithm))) {
            return refuse(
                    session,
                    login,
                    "signature algorithm " + LogText.quote(algorithm) + " is not accepted for a "
                            + KeyUtils.getKeyType(key) + " key");
        }
        try {
            // MINA's own checks (fixed for CVEs in 2.19/2.20), kept as a second line behind ours.
            verifyCertificateSignature(session, cert);
            verifyCriticalOptions(session, cert);
        } catch (Exception e) {
            return refuse(
                    session,
                    login,
                    "certificate " + LogText.quote(cert.getId()) + " failed MINA's check: " + e.getMessage());
        }
        if (!hasSignature) {
            // The client asks whether this key would do before it signs: say yes (SSH_MSG_USERAUTH_PK_OK).
            sendPublicKeyResponse(
                    session, login, algorithm, key, buffer.array(), blobStart, blobEnd - blobStart, buffer);
            return null;
        }
        final byte[] signature = buffer.getBytes();
        if (buffer.available() > 0) {
            throw new SignatureException("unexpected data after the signature");
        }
        final Signature signatureVerifier =
                NamedFactory.create(SignatureFactoriesManager.resolveSignatureFactories(this, session), algorithm);
        if (signatureVerifier == null) {
            return refuse(session, login, "signature algorithm " + LogText.quote(algorithm) + " is not enabled");
        }
        signatureVerifier.initVerifier(session, cert.getCertPubKey());
        buffer.rpos(blobStart);
        buffer.wpos(blobEnd);
        if (!verifySignature(session, login, algorithm, key, buffer, signatureVerifier, signature)) {
            return refuse(
                    session,
                    login,
                    "certificate " + LogText.quote(cert.getId())
                            + ": the signature does not verify with the certified key");
        }
        final SessionAudit audit = SessionAudit.of(session);
        if (audit != null) {
            audit.authenticated(identity);
        }
        session.setAttribute(AuthenticatedIdentity.KEY, identity);
        logger.info(
                "session {} from {} authenticated: login {} key id {} serial {} CA {}",
                audit == null ? "-" : audit.id(),
                audit == null ? "-" : audit.source(),
                LogText.quote(login),
                LogText.quote(identity.keyId()),
                identity.serial(),
                identity.caFingerprint());
        return Boolean.TRUE;
    }

    private static Boolean refuse(ServerSession session, String login, String reason) {
        final SessionAudit audit = SessionAudit.of(session);
        if (audit != null) {
            audit.refused(reason);
        }
        logger.warn(
                "session {} from {}: refused login {}: {}",
                audit == null ? "-" : audit.id(),
                audit == null ? "-" : audit.source(),
                LogText.quote(login),
                reason);
        return Boolean.FALSE;
    }

    private static InetAddress clientAddress(ServerSession session) {
        final SocketAddress address = session.getClientAddress();
        if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null) {
            return ((InetSocketAddress) address).getAddress();
        }
        // Not a TCP peer (never with NIO2): fail closed with an address no source-address list names.
        return UNKNOWN_CLIENT;
    }

    /** 192.0.2.0, from the documentation range (RFC 5737), which no real client has. */
    private static final InetAddress UNKNOWN_CLIENT = unknownClient();

    private static InetAddress unknownClient() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 0});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an IPv4 address", e);
        }
    }
}
