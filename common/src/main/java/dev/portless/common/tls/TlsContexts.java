package dev.portless.common.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS contexts for the edge, the connector and the CLI, on BoringSSL when it loads.
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    /** Returns BoringSSL (through netty-tcnative) when it is available, the JDK's TLS otherwise. */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** Returns a sentence naming the TLS implementation in use, for start-up logs. */
    public static String describeProvider() {
        if (OpenSsl.isAvailable()) {
            return "TLS provider: " + OpenSsl.versionString() + " (netty-tcnative)";
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        return "TLS provider: JDK (BoringSSL unavailable: " + (cause == null ? "unknown" : cause.getMessage()) + ")";
    }

    /** Logs the TLS implementation once at start. */
    public static void logProvider() {
        log.info(describeProvider());
    }

    /**
     * Returns a server context for a PEM certificate chain and PKCS#8 PEM key, offering the given
     * ALPN protocols.
     */
    public static SslContext server(Path certificateChain, Path privateKey, String... alpn) {
        requireNonNull(certificateChain, "certificateChain");
        requireNonNull(privateKey, "privateKey");
        requireReadable(certificateChain, "TLS certificate");
        requireReadable(privateKey, "TLS key");
        try {
            return withSessionTickets(
                    withGroups(SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()))
                            .sslProvider(provider())
                            .protocols(PROTOCOLS)
                            .applicationProtocolConfig(alpn(alpn))
                            .build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot load the TLS certificate " + certificateChain
                            + " and key " + privateKey + ": " + e.getMessage()
                            + "; use a PEM certificate chain and an unencrypted PKCS#8 PEM key",
                    e);
        }
    }

    /**
     * Returns a client context that verifies the server against {@code trustAnchors} (PEM), or
     * against the system's trust store when empty, and asks for the given ALPN protocols.
     */
    public static SslContext client(Optional<Path> trustAnchors, String... alpn) {
        requireNonNull(trustAnchors, "trustAnchors");
        SslContextBuilder b = withGroups(SslContextBuilder.forClient())
                .sslProvider(provider())
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(alpn(alpn));
        if (trustAnchors.isPresent()) {
            Path ca = trustAnchors.get();
            requireReadable(ca, "CA file");
            b.trustManager(ca.toFile());
        }
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot load the CA file " + trustAnchors.orElse(null) + ": " + e.getMessage()
                            + "; use PEM certificates",
                    e);
        }
    }

    /**
     * Returns {@code context} issuing session tickets. TLS 1.3 resumes a session only from a ticket,
     * and Netty's OpenSSL contexts send none unless asked; with tickets a client that reconnects
     * (access tcp opens one connection per local connection) skips the certificate signature and
     * its verification. BoringSSL makes and rotates the ticket keys itself, in memory only.
     */
    private static SslContext withSessionTickets(SslContext context) {
        if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
            sessions.setTicketKeys();
        }
        return context;
    }

    /**
     * Returns {@code builder} offering {@link KeyExchange#GROUPS}, post-quantum first. Netty 4.2 on BoringSSL
     * puts X25519MLKEM768 first by default too, but {@code -Djdk.tls.namedGroups} would replace that list
     * without it; naming the groups here keeps the hybrid on every hop whatever the JVM is told. The JDK's TLS
     * keeps its own defaults: it has no ML-KEM group before Java 25.
     */
    private static SslContextBuilder withGroups(SslContextBuilder builder) {
        if (provider() == SslProvider.OPENSSL) {
            builder.option(OpenSslContextOption.GROUPS, KeyExchange.GROUPS.toArray(String[]::new));
        }
        return builder;
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        if (protocols.length == 0) {
            return ApplicationProtocolConfig.DISABLED;
        }
        return new ApplicationProtocolConfig(
                Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    private static void requireReadable(Path file, String what) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist or is not readable");
        }
        try {
            if (Files.size(file) == 0) {
                throw new IllegalArgumentException(what + " " + file + " is empty");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
