package dev.portless.common.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;

/**
 * The key exchange groups every Portless TLS hop offers, post-quantum first, and the one a finished handshake
 * agreed on, as operators read it in the logs and in {@code access status}.
 */
public final class KeyExchange {
    /** The hybrid of X25519 and ML-KEM-768 (FIPS 203) that protects today's traffic from tomorrow's quantum computer. */
    public static final String POST_QUANTUM = "X25519MLKEM768";

    /**
     * The groups offered and accepted, most preferred first: the post-quantum hybrid, then classical groups for
     * peers without it (stock cloudflared, browsers of a few years ago, the JDK's own TLS).
     */
    static final List<String> GROUPS = List.of(POST_QUANTUM, "X25519", "P-256", "P-384");

    private KeyExchange() {}

    /**
     * Returns the group the handshake of {@code ssl} agreed on ({@code X25519MLKEM768}, {@code X25519}...), or
     * empty when the handshake has not finished or the TLS implementation (the JDK's) does not say. Call it on
     * the channel's event loop, after the handshake future succeeded.
     */
    public static Optional<String> negotiatedGroup(SslHandler ssl) {
        requireNonNull(ssl, "ssl");
        return negotiatedGroup(ssl.engine());
    }

    static Optional<String> negotiatedGroup(SSLEngine engine) {
        if (!(engine instanceof ReferenceCountedOpenSslEngine openSsl)) {
            return Optional.empty();
        }
        // Netty exposes no getter for the group; BoringSSL's SSL_get_group_name through netty-tcnative does.
        synchronized (openSsl) {
            final long ssl = openSsl.sslPointer();
            if (ssl == 0) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(SSL.getGroupName(ssl)).filter(name -> !name.isEmpty());
            } catch (Exception | UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }
    }

    /**
     * Returns the protocol and group of a finished handshake for a log line or a status, e.g.
     * {@code TLSv1.3, key exchange X25519MLKEM768 (post-quantum)}.
     */
    public static String describe(SslHandler ssl) {
        requireNonNull(ssl, "ssl");
        final String protocol = ssl.engine().getSession().getProtocol();
        return protocol + ", key exchange "
                + negotiatedGroup(ssl)
                        .map(group -> group + (group.equals(POST_QUANTUM) ? " (post-quantum)" : " (classical)"))
                        .orElse("unknown (" + TlsContexts.provider() + " TLS does not report it)");
    }
}
