package dev.portless.access.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA and a server certificate for 127.0.0.1 and localhost, as PEM files (for
 * the CLI's --edge-ca and Netty) and as a JDK {@link SSLContext} (for the fake authorization server).
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path caPem;
    private final Path chainPem;
    private final Path keyPem;
    private final SSLContext serverContext;

    private TestCertificates(Path caPem, Path chainPem, Path keyPem, SSLContext serverContext) {
        this.caPem = caPem;
        this.chainPem = chainPem;
        this.keyPem = keyPem;
        this.serverContext = serverContext;
    }

    /** Returns new certificates written into {@code dir}. */
    public static TestCertificates create(Path dir) throws Exception {
        KeyPair caKey = newKey();
        X500Name caName = new X500Name("CN=Portless test CA");
        Instant now = Instant.now();
        X509Certificate ca = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                caName,
                                serial(),
                                Date.from(now.minus(Duration.ofHours(1))),
                                Date.from(now.plus(Duration.ofDays(2))),
                                caName,
                                caKey.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        KeyPair serverKey = newKey();
        X509Certificate server = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                caName,
                                serial(),
                                Date.from(now.minus(Duration.ofHours(1))),
                                Date.from(now.plus(Duration.ofDays(2))),
                                new X500Name("CN=127.0.0.1"),
                                serverKey.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")
                        }))
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));

        Path caPem = Files.writeString(dir.resolve("ca.pem"), pem(ca));
        Path chainPem = Files.writeString(dir.resolve("server.pem"), pem(server) + pem(ca));
        Path keyPem = Files.writeString(
                dir.resolve("server-key.pem"), pem(new JcaPKCS8Generator(serverKey.getPrivate(), null)));

        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverKey.getPrivate(), new char[0], new Certificate[] {server, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new TestCertificates(caPem, chainPem, keyPem, context);
    }

    /** Returns the CA certificate file, for --edge-ca. */
    public Path caPem() {
        return caPem;
    }

    /** Returns the server's certificate chain file. */
    public Path chainPem() {
        return chainPem;
    }

    /** Returns the server's PKCS#8 key file. */
    public Path keyPem() {
        return keyPem;
    }

    /** Returns a JDK server context with the server certificate. */
    public SSLContext serverContext() {
        return serverContext;
    }

    private static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }
}
