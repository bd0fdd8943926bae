package dev.portless.bridge.transport;

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
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The bridge's host key: read from the configured file, or, on first start, a new Ed25519 key
 * written there in OpenSSH format with mode 0600 (and its {@code .pub} next to it), so clients' known_hosts
 * entries stay valid across restarts.
 */
public final class HostKeyFile {

    private static final String COMMENT = "portless-ssh-bridge";

    private HostKeyFile() {}

    /**
     * Returns the key pair in {@code file}, generating and saving an Ed25519 one when the file does not exist.
     *
     * @throws IllegalStateException with one sentence when the file is readable by others, holds no usable
     *                               key, or cannot be written
     */
    public static KeyPair loadOrCreate(Path file) {
        requireNonNull(file, "file");
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            return create(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("host-key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the {@code SHA256:...} fingerprint of {@code keyPair}'s public key. */
    public static String fingerprint(KeyPair keyPair) {
        return KeyUtils.getFingerPrint(keyPair.getPublic());
    }

    private static KeyPair load(Path file) throws IOException, GeneralSecurityException {
        final Optional<String> mode = OwnerOnlyFiles.othersMayAccess(file);
        if (mode.isPresent()) {
            // sshd refuses such keys too: anyone who can read it can impersonate the bridge.
            throw new IllegalStateException(
                    "host-key " + file + " is accessible by others (mode " + mode.get() + "); run chmod 600 " + file);
        }
        final List<KeyPair> pairs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            final Iterable<KeyPair> loaded =
                    SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
            if (loaded != null) {
                loaded.forEach(pairs::add);
            }
        }
        if (pairs.size() != 1) {
            throw new IllegalStateException("host-key " + file + " holds " + pairs.size()
                    + " keys (expected one unencrypted OpenSSH private key; delete the file to get a new Ed25519 key)");
        }
        final KeyPair pair = pairs.get(0);
        final String type = KeyUtils.getKeyType(pair);
        final boolean weakRsa = pair.getPublic() instanceof RSAKey
                && ((RSAKey) pair.getPublic()).getModulus().bitLength() < 2048;
        if (KeyPairProvider.SSH_DSS.equals(type) || weakRsa) {
            throw new IllegalStateException("host-key " + file + " is a " + type
                    + " key the bridge does not accept (use Ed25519, ECDSA or RSA of 2048+ bits)");
        }
        writePublicKeyIfMissing(file, pair);
        return pair;
    }

    private static KeyPair create(Path file) throws IOException, GeneralSecurityException {
        final KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        final ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, COMMENT, null, encoded);
        OwnerOnlyFiles.write(file, encoded.toByteArray());
        writePublicKeyIfMissing(file, pair);
        return pair;
    }

    private static void writePublicKeyIfMissing(Path file, KeyPair pair) throws IOException {
        final Path pub = file.resolveSibling(file.getFileName() + ".pub");
        if (!Files.exists(pub)) {
            Files.writeString(
                    pub, PublicKeyEntry.toString(pair.getPublic()) + ' ' + COMMENT + '\n', StandardCharsets.UTF_8);
        }
    }
}
