package dev.portless.bridge.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.bridge.testing.OpenSsh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void generatesAnEd25519KeyOnceWithMode0600AndKeepsIt() throws IOException {
        final Path file = dir.resolve("host_key");

        final KeyPair first = HostKeyFile.loadOrCreate(file);
        final KeyPair second = HostKeyFile.loadOrCreate(file);

        assertEquals("ssh-ed25519", KeyUtils.getKeyType(first));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(HostKeyFile.fingerprint(first), HostKeyFile.fingerprint(second), "the host key must persist");
        // OpenSSH reads what the bridge wrote, and both agree on the fingerprint.
        final String sshKeygen = OpenSsh.run(List.of(OpenSsh.SSH_KEYGEN, "-l", "-f", file.toString()))
                .assertSuccess()
                .stdout();
        assertTrue(sshKeygen.contains(HostKeyFile.fingerprint(first)), sshKeygen);
        assertTrue(Files.readString(dir.resolve("host_key.pub")).startsWith("ssh-ed25519 "));
    }

    @Test
    void readsAKeyMadeBySshKeygenAndRefusesOneOthersCanRead() throws IOException {
        final Path key = OpenSsh.keygen(dir, "ecdsa_key", "ecdsa");
        assertEquals("ecdsa-sha2-nistp256", KeyUtils.getKeyType(HostKeyFile.loadOrCreate(key)));

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostKeyFile.loadOrCreate(key));
        assertEquals(
                "host-key " + key + " is accessible by others (mode rw-r--r--); run chmod 600 " + key, e.getMessage());
    }
}
