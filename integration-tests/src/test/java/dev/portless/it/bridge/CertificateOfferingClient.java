package dev.portless.it.bridge;

import static java.util.Objects.requireNonNull;

import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.AbstractUserAuth;
import org.apache.sshd.client.auth.AbstractUserAuthFactory;
import org.apache.sshd.client.auth.UserAuth;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A hostile SSH client built on MINA that offers any public key or certificate for {@code publickey}
 * auth, even one a well-behaved client would never send: OpenSSH and MINA's own client both drop a host
 * certificate before offering it. It asks only whether the key would be accepted (no signature), which is
 * where the bridge must already say no.
 */
final class CertificateOfferingClient {

    private CertificateOfferingClient() {}

    /** Returns whether the bridge at {@code port} (host key {@code hostKey}) accepts {@code key} for {@code login}. */
    static boolean offer(int port, PublicKey hostKey, String login, PublicKey key, Duration timeout) throws Exception {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(new RequiredServerKeyVerifier(hostKey));
            client.setUserAuthFactories(List.of(new AbstractUserAuthFactory("publickey") {
                @Override
                public UserAuth createUserAuth(ClientSession session) {
                    return new Offer(requireNonNull(key, "key"));
                }
            }));
            client.start();
            try (ClientSession session =
                    client.connect(login, "127.0.0.1", port).verify(timeout).getSession()) {
                return session.auth().await(timeout) && session.isAuthenticated();
            }
        }
    }

    /** Sends one "would you accept this key?" request, then gives up. */
    private static final class Offer extends AbstractUserAuth {

        private final PublicKey key;
        private boolean sent;

        Offer(PublicKey key) {
            super("publickey");
            this.key = key;
        }

        @Override
        protected boolean sendAuthDataRequest(ClientSession session, String service) throws Exception {
            if (sent) {
                return false;
            }
            sent = true;
            final Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
            buffer.putString(session.getUsername());
            buffer.putString(service);
            buffer.putString(getName());
            buffer.putBoolean(false);
            buffer.putString(KeyUtils.getKeyType(key));
            buffer.putPublicKey(key);
            session.writePacket(buffer);
            return true;
        }

        @Override
        protected boolean processAuthDataRequest(ClientSession session, String service, Buffer buffer) {
            // SSH_MSG_USERAUTH_PK_OK would mean the bridge accepted the key; without a signature there is
            // nothing more to send, and the test only needs the answer.
            throw new AssertionError("the bridge answered SSH_MSG_USERAUTH_PK_OK for " + KeyUtils.getKeyType(key));
        }
    }
}
