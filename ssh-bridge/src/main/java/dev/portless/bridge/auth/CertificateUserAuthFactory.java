package dev.portless.bridge.auth;

import static java.util.Objects.requireNonNull;

import org.apache.sshd.server.auth.AbstractUserAuthFactory;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.session.ServerSession;

/**
 * The bridge's only user-auth method, {@code publickey} restricted to certificates: no password,
 * no keyboard-interactive, no host-based, no GSSAPI.
 */
public final class CertificateUserAuthFactory extends AbstractUserAuthFactory {

    private final CertificateVerifier verifier;

    /** Returns a factory whose every session checks keys with {@code verifier}. */
    public CertificateUserAuthFactory(CertificateVerifier verifier) {
        super(UserAuthPublicKey.NAME);
        this.verifier = requireNonNull(verifier, "verifier");
    }

    @Override
    public UserAuth createUserAuth(ServerSession session) {
        return new CertificateUserAuth(verifier);
    }
}
