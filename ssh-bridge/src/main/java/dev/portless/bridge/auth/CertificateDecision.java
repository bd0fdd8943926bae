package dev.portless.bridge.auth;

import static java.util.Objects.requireNonNull;

import dev.portless.bridge.identity.CertificateIdentity;

/** The verdict on a key presented for a login: the identity it proves, or why it is refused. */
public sealed interface CertificateDecision {

    /** The certificate is valid for the login; the client must still prove it holds the private key. */
    record Accepted(CertificateIdentity identity) implements CertificateDecision {
        public Accepted {
            requireNonNull(identity, "identity");
        }
    }

    /** The key is refused; {@code reason} is one sentence for the log and the audit record. */
    record Refused(String reason) implements CertificateDecision {
        public Refused {
            requireNonNull(reason, "reason");
        }
    }
}
