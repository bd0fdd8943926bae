package dev.portless.bridge.auth;

import dev.portless.bridge.identity.CertificateIdentity;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/** The identity a session proved with its certificate, kept as a session attribute. */
public final class AuthenticatedIdentity {

    /** The session attribute set once the certificate and the client's signature both verified. */
    static final AttributeKey<CertificateIdentity> KEY = new AttributeKey<>();

    private AuthenticatedIdentity() {}

    /** Returns the identity {@code session} authenticated as, or {@code null} before authentication. */
    public static CertificateIdentity of(Session session) {
        return session.getAttribute(KEY);
    }
}
