package dev.portless.bridge.transport;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;

/**
 * The OpenSSH host certificate of the bridge's host key ({@code ssh-keygen -s CA -h}), offered beside the plain
 * host key: clients that trust the CA ({@code @cert-authority} in known_hosts) verify the bridge without a
 * known_hosts entry per bridge, and clients that refuse certificates still connect with the plain key.
 */
public final class HostCertificate {

    private HostCertificate() {}

    /**
     * Returns a provider of the certificate in {@code file}, after checking that it is a host certificate of
     * {@code hostKey}.
     *
     * @throws IllegalStateException with one sentence when the file holds no certificate, a user certificate, or
     *                               the certificate of another key
     */
    public static HostKeyCertificateProvider load(Path file, KeyPair hostKey) {
        requireNonNull(file, "file");
        requireNonNull(hostKey, "hostKey");
        final PublicKey key;
        try {
            final String line = Files.readString(file, StandardCharsets.UTF_8).strip();
            key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "host-certificate " + file + " is not an OpenSSH certificate (" + e.getMessage()
                            + "); make one with ssh-keygen -s CA_KEY -h -I ID " + file.getFileName(),
                    e);
        }
        if (!(key instanceof OpenSshCertificate certificate)) {
            throw new IllegalStateException("host-certificate " + file + " holds a plain key, not a certificate; make "
                    + "one with ssh-keygen -s CA_KEY -h -I ID HOST_KEY.pub");
        }
        if (certificate.getType() != OpenSshCertificate.Type.HOST) {
            throw new IllegalStateException(
                    "host-certificate " + file + " is a user certificate; sign the host key " + "with ssh-keygen -h");
        }
        if (!KeyUtils.compareKeys(certificate.getCertPubKey(), hostKey.getPublic())) {
            throw new IllegalStateException("host-certificate " + file + " certifies another key than the host key ("
                    + KeyUtils.getFingerPrint(hostKey.getPublic()) + "); sign the host key's .pub file");
        }
        final List<OpenSshCertificate> certificates = List.of(certificate);
        return session -> certificates;
    }
}
