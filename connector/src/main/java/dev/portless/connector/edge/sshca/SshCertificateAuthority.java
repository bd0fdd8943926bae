package dev.portless.connector.edge.sshca;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's SSH certificate authority: an Ed25519 key made once and kept (mode 0600), whose
 * public half servers trust with {@code TrustedUserCAKeys}, and which signs short-lived OpenSSH user
 * certificates.
 */
public final class SshCertificateAuthority {
    private static final Logger log = LoggerFactory.getLogger(SshCertificateAuthority.class);
    /** How far back validity starts, so a server whose clock is a little ahead still accepts it. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private static final int MIN_RSA_BITS = 2048;
    private static final String COMMENT = "portless-ssh-ca";

    private final KeyPair caKey;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    SshCertificateAuthority(KeyPair caKey, Clock clock) {
        this.caKey = caKey;
        this.clock = clock;
    }

    /** Returns the CA whose key is in {@code keyFile}, creating the key (0600) when the file does not exist. */
    public static SshCertificateAuthority loadOrCreate(Path keyFile) {
        requireNonNull(keyFile, "keyFile");
        try {
            KeyPair key = Files.exists(keyFile) ? read(keyFile) : create(keyFile);
            return new SshCertificateAuthority(key, Clock.systemUTC());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot load or create the SSH CA key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the OpenSSH private key in {@code keyFile}, creating the key (0600) when the file does not exist:
     * the candidate an edge offers when several edges must agree on one CA key.
     */
    public static String keyText(Path keyFile) {
        requireNonNull(keyFile, "keyFile");
        try {
            if (!Files.exists(keyFile)) {
                create(keyFile);
            }
            return Files.readString(keyFile, StandardCharsets.UTF_8);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot load or create the SSH CA key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the CA whose key is the OpenSSH private key {@code sharedKey}, the one every edge agreed on, first
     * writing it to {@code keyFile} (0600) when that file holds another, so {@code connector edge ssh-ca} prints
     * the key this edge signs with.
     */
    public static SshCertificateAuthority adopt(String sharedKey, Path keyFile) {
        requireNonNull(sharedKey, "sharedKey");
        requireNonNull(keyFile, "keyFile");
        try {
            if (!Files.exists(keyFile) || !sharedKey.equals(Files.readString(keyFile, StandardCharsets.UTF_8))) {
                OwnerOnlyFiles.write(keyFile, sharedKey.getBytes(StandardCharsets.UTF_8));
                log.info("Wrote the SSH CA key the edges share to {}", keyFile);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot write the shared SSH CA key to " + keyFile + ": " + e.getMessage(), e);
        }
        return loadOrCreate(keyFile);
    }

    /** Returns the CA's public key as one line for sshd's {@code TrustedUserCAKeys} file. */
    public String publicKeyLine() {
        return PublicKeyEntry.toString(caKey.getPublic()) + " " + COMMENT;
    }

    /** Returns the CA key's SHA-256 fingerprint, as {@code ssh-keygen -l} prints it. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(caKey.getPublic());
    }

    /** Returns a certificate for the request; throws with a sentence when the key or principals are refused. */
    public SignedCertificate sign(CertificateRequest request) {
        requireNonNull(request, "request");
        checkUserKey(request.userKey());
        Principals.checkAll(request.principals());
        Instant now = clock.instant();
        Instant validAfter = now.minus(CLOCK_SKEW);
        Instant validBefore = now.plus(request.lifetime());
        if (validBefore.isAfter(request.notAfter())) {
            validBefore = request.notAfter();
        }
        if (!validBefore.isAfter(now)) {
            throw new IllegalArgumentException("the sign-in behind this request has expired; sign in again");
        }
        long serial = random.nextLong() & Long.MAX_VALUE;
        OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate()
                .publicKey(request.userKey())
                .serial(serial)
                .id(request.identity())
                .principals(request.principals())
                .validAfter(validAfter)
                .validBefore(validBefore);
        request.permissions().forEach(p -> builder.extension(p.extension(), ""));
        OpenSshCertificate certificate;
        try {
            certificate = builder.sign(caKey);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the SSH certificate: " + e.getMessage(), e);
        }
        String line = PublicKeyEntry.toString(certificate) + " " + request.identity();
        log.info(
                "Issued SSH certificate serial={} key_id={} principals={} valid_before={} permissions={} key={}",
                serial,
                request.identity(),
                request.principals(),
                validBefore,
                request.permissions(),
                KeyUtils.getFingerPrint(request.userKey()));
        return new SignedCertificate(line, serial, request.identity(), request.principals(), validAfter, validBefore);
    }

    private void checkUserKey(PublicKey key) {
        if (key instanceof OpenSshCertificate) {
            throw new IllegalArgumentException("the key to sign is itself a certificate; send the plain public key");
        }
        if (KeyUtils.compareKeys(key, caKey.getPublic())) {
            throw new IllegalArgumentException("the key to sign is the CA's own key; generate a user key");
        }
        String type = KeyUtils.getKeyType(key);
        if (type == null || type.startsWith("ssh-dss")) {
            throw new IllegalArgumentException("key type " + (type == null ? key.getAlgorithm() : "DSA")
                    + " is not accepted (expected: Ed25519, ECDSA, or RSA of at least " + MIN_RSA_BITS + " bits)");
        }
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("RSA key of " + rsa.getModulus().bitLength()
                    + " bits is too weak (expected: at least " + MIN_RSA_BITS + ")");
        }
    }

    private static KeyPair read(Path keyFile) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(keyFile)) {
            Iterator<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, new PathResource(keyFile), in, null)
                    .iterator();
            if (!keys.hasNext()) {
                throw new IOException("no key in the file");
            }
            return keys.next();
        }
    }

    private static KeyPair create(Path keyFile) throws IOException, GeneralSecurityException {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, COMMENT, null, pem);
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        OwnerOnlyFiles.write(keyFile, pem.toByteArray());
        log.info("Created the SSH CA key {} ({})", keyFile, KeyUtils.getFingerPrint(key.getPublic()));
        return key;
    }
}
