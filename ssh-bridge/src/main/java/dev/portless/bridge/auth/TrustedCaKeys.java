package dev.portless.bridge.auth;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The CA keys the bridge trusts, read like sshd's {@code TrustedUserCAKeys}: files of OpenSSH
 * public keys, one per line, blank lines and {@code #} comments allowed.
 */
public final class TrustedCaKeys {

    private final List<TrustedCa> keys;

    private TrustedCaKeys(List<TrustedCa> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Returns the given keys, for tests and for callers that hold keys already. */
    public static TrustedCaKeys of(List<TrustedCa> keys) {
        return new TrustedCaKeys(requireNonNull(keys, "keys"));
    }

    /**
     * Returns every key in {@code files}.
     *
     * @throws ConfigException naming the file and line of a key that cannot be read or is refused, or a file
     *                         without any key
     */
    public static TrustedCaKeys load(List<Path> files) {
        final List<TrustedCa> keys = new ArrayList<>();
        for (Path file : requireNonNull(files, "files")) {
            final int before = keys.size();
            final List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(file.toString(), "cannot read the CA key file: " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                final String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                keys.add(parse(file, i + 1, line));
            }
            if (keys.size() == before) {
                throw new ConfigException(
                        file.toString(),
                        "no CA public key in the file (expected lines such as "
                                + "\"ssh-ed25519 AAAA... portless-ca\", as ssh-keygen writes them to ca.pub)");
            }
        }
        return new TrustedCaKeys(keys);
    }

    private static TrustedCa parse(Path file, int lineNumber, String line) {
        final PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    file.toString(),
                    lineNumber,
                    "",
                    "not an OpenSSH public key: " + e.getMessage() + " (expected the CA's .pub file)",
                    e);
        }
        if (key == null) {
            throw new ConfigException(
                    file.toString(), lineNumber, "", "not an OpenSSH public key (expected the CA's .pub file)");
        }
        if (key instanceof OpenSshCertificate) {
            throw new ConfigException(
                    file.toString(), lineNumber, "", "a certificate is not a CA key (name the CA's own public key)");
        }
        final String weakness = KeyRules.weakness(key);
        if (weakness != null) {
            throw new ConfigException(file.toString(), lineNumber, "", "CA " + weakness);
        }
        return new TrustedCa(key, KeyUtils.getFingerPrint(key), file + ":" + lineNumber);
    }

    /** Returns the trusted CA whose key is {@code key}, or empty. */
    public Optional<TrustedCa> find(PublicKey key) {
        requireNonNull(key, "key");
        return keys.stream().filter(ca -> KeyUtils.compareKeys(ca.key(), key)).findFirst();
    }

    /** Returns every trusted CA key, in file order. */
    public List<TrustedCa> all() {
        return keys;
    }
}
