package dev.portless.connector.origin;

import io.netty.util.NetUtil;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The check of an origin's certificate: its chain against the rule's {@code ca-pool} or the system's
 * trust store, its dates, and its names against the one expected ({@code origin-server-name}, else the
 * origin's host). Each failure is a {@link Refusal} whose message is the sentence the user reads, which
 * a stock trust manager's messages are not.
 */
final class OriginTrust extends X509ExtendedTrustManager {
    private final X509TrustManager chains;
    private final String expectedName;

    private OriginTrust(X509TrustManager chains, String expectedName) {
        this.chains = chains;
        this.expectedName = expectedName.toLowerCase(Locale.ROOT);
    }

    /** Returns a check against {@code trustAnchors}, or the system's trust store when {@code null}. */
    static OriginTrust of(KeyStore trustAnchors, String expectedName) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(trustAnchors);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return new OriginTrust(x509, expectedName);
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager is available");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new Refusal("the origin's certificate expired on "
                    + leaf.getNotAfter().toInstant() + "; renew it on the origin");
        } catch (CertificateNotYetValidException e) {
            throw new Refusal("the origin's certificate is not valid before "
                    + leaf.getNotBefore().toInstant() + "; check the clocks of the origin and the connector");
        }
        try {
            chains.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new Refusal("the origin's certificate for " + names(leaf) + " is not signed by a CA the connector "
                    + "trusts; set ca-pool to the origin's CA certificate (or no-tls-verify for a test)");
        }
        if (!matches(leaf, expectedName)) {
            throw new Refusal("the origin's certificate is for " + names(leaf) + ", not " + expectedName
                    + "; set origin-server-name or ca-pool");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the connector accepts no client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chains.getAcceptedIssuers();
    }

    /** Returns whether a subject alternative name of {@code cert} is {@code name} (RFC 6125, left-most wildcard). */
    static boolean matches(X509Certificate cert, String name) {
        boolean ip = isIpLiteral(name);
        for (List<?> san : sans(cert)) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
            if (ip && type == 7 && sameAddress(value, name)) {
                return true;
            }
            if (!ip && type == 2 && dnsMatches(value, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(name);
    }

    private static boolean isIpLiteral(String name) {
        return NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
    }

    /** Compares two IP literals without any name lookup: this runs on an event loop, mid-handshake. */
    private static boolean sameAddress(String a, String b) {
        byte[] x = NetUtil.createByteArrayFromIpAddressString(a);
        return x != null && Arrays.equals(x, NetUtil.createByteArrayFromIpAddressString(b));
    }

    /** Returns the certificate's names for a sentence, e.g. {@code internal.local}. */
    static String names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        for (List<?> san : sans(cert)) {
            int type = (Integer) san.get(0);
            if (type == 2 || type == 7) {
                names.add(String.valueOf(san.get(1)));
            }
        }
        if (names.isEmpty()) {
            return cert.getSubjectX500Principal().getName();
        }
        return String.join(", ", names);
    }

    private static Collection<List<?>> sans(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            return sans == null ? List.of() : sans;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** A refused certificate, with the sentence for the user as its message. */
    static final class Refusal extends CertificateException {
        Refusal(String sentence) {
            super(sentence);
        }
    }
}
