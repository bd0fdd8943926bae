package dev.portless.connector.origin;

import dev.portless.common.tls.TlsContexts;
import dev.portless.connector.ingress.OriginRequest;
import dev.portless.connector.ingress.OriginService;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * The TLS client set-up for one origin: the name it sends in SNI and expects in the certificate, and
 * the context whose trust is the rule's {@code ca-pool}, the system's trust store, or, with
 * {@code no-tls-verify}, anything.
 *
 * @param serverName the SNI name and the name the certificate must carry
 * @param context    the client context, on BoringSSL when it loads
 */
record OriginTls(String serverName, SslContext context) {
    /** The name a unix+tls origin is expected to present when the rule names none. */
    private static final String UNIX_DEFAULT_NAME = "localhost";

    /**
     * Returns the set-up for {@code origin}.
     *
     * @throws IllegalArgumentException when the CA pool cannot be read (checked at start already)
     */
    static OriginTls of(OriginService origin, OriginRequest settings) {
        return of(origin, settings, false);
    }

    /**
     * Returns the set-up for {@code origin} that offers {@code h2} before {@code http/1.1} in ALPN, for a
     * rule with {@code http2-origin}.
     *
     * @throws IllegalArgumentException when the CA pool cannot be read (checked at start already)
     */
    static OriginTls offeringHttp2(OriginService origin, OriginRequest settings) {
        return of(origin, settings, true);
    }

    private static OriginTls of(OriginService origin, OriginRequest settings, boolean offerHttp2) {
        String name = settings.originServerName().orElse(origin.unix() ? UNIX_DEFAULT_NAME : origin.host());
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(TlsContexts.provider())
                .protocols("TLSv1.3", "TLSv1.2")
                // OriginTrust checks the name itself, so its refusal can say which names the certificate has.
                .endpointIdentificationAlgorithm(null);
        if (offerHttp2) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1));
        }
        try {
            if (settings.noTlsVerify()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else {
                b.trustManager(
                        OriginTrust.of(settings.caPool().map(OriginTls::anchors).orElse(null), name));
            }
            return new OriginTls(name, b.build());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(
                    "cannot set up TLS to the origin " + origin + ": " + e.getMessage()
                            + "; check its ca-pool (PEM certificates)",
                    e);
        }
    }

    private static KeyStore anchors(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot read the ca-pool " + pem + ": " + e.getMessage() + "; use PEM certificates", e);
        }
    }
}
