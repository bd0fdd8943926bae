package dev.portless.connector.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA and an edge certificate it signed, written as PEM, for the embedded demo and
 * for tests. The CA key never leaves this method: nothing else can be signed with it later.
 */
public final class DemoCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoCertificates() {}

    /**
     * Writes {@code ca.pem} (the trust anchor clients use), {@code edge.pem} (the edge's chain) and
     * {@code edge-key.pem} (mode 0600) into {@code dir}, for the given DNS names and IP addresses.
     */
    public static void write(Path dir, List<String> dnsNames, List<String> ipAddresses) {
        try {
            KeyPair caKey = newKey();
            X500Name caName = new X500Name("CN=Portless demo CA");
            Instant now = Instant.now();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509Certificate ca = sign(new JcaX509v3CertificateBuilder(
                            caName,
                            serial(),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(3650))),
                            caName,
                            caKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKey.getPublic()))
                    .build(signer(caKey)));

            KeyPair edgeKey = newKey();
            GeneralName[] names = new GeneralName[dnsNames.size() + ipAddresses.size()];
            int i = 0;
            for (String d : dnsNames) {
                names[i++] = new GeneralName(GeneralName.dNSName, d);
            }
            for (String ip : ipAddresses) {
                names[i++] = new GeneralName(GeneralName.iPAddress, ip);
            }
            X509Certificate edge = sign(new JcaX509v3CertificateBuilder(
                            ca,
                            serial(),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(825))),
                            new X500Name("CN=" + (dnsNames.isEmpty() ? "portless-edge" : dnsNames.get(0))),
                            edgeKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca))
                    .build(signer(caKey)));

            PrivateFiles.write(dir.resolve("ca.pem"), pem(ca), false);
            PrivateFiles.write(dir.resolve("edge.pem"), pem(edge) + pem(ca), false);
            PrivateFiles.write(
                    dir.resolve("edge-key.pem"), pem(new JcaPKCS8Generator(edgeKey.getPrivate(), null)), true);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the demo certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the DNS names of the first certificate in the PEM file {@code chain}, or an empty set when
     * the file cannot be read or holds no certificate (the caller then makes new certificates).
     */
    static Set<String> names(Path chain) {
        try (InputStream in = Files.newInputStream(chain)) {
            X509Certificate first =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            Collection<List<?>> alternatives = first.getSubjectAlternativeNames();
            Set<String> names = new HashSet<>();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    if (Integer.valueOf(GeneralName.dNSName).equals(name.get(0))) {
                        names.add((String) name.get(1));
                    }
                }
            }
            return names;
        } catch (IOException | GeneralSecurityException e) {
            return Set.of();
        }
    }

    private static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static org.bouncycastle.operator.ContentSigner signer(KeyPair key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
    }

    private static X509Certificate sign(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }
}
