package dev.portless.connector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code connector edge ssh-ca --config edge.yml}: the CA line for TrustedUserCAKeys, the key made once. */
class SshCaCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTheSameLineEachTimeAndCreatesTheKeyOnce() throws Exception {
        Files.writeString(dir.resolve("edge.crt"), "x\n");
        Files.writeString(dir.resolve("edge.key"), "x\n");
        Path yml = dir.resolve("edge.yml");
        Files.writeString(yml, "tls:\n  certificate: edge.crt\n  key: edge.key\nssh-ca:\n  key-file: keys/ca\n");
        String first = run(yml);
        assertTrue(first.matches("ssh-ed25519 AAAA\\S+ portless-ssh-ca\n"), first);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys/ca"))));
        assertEquals(first, run(yml));
    }

    private static String run(Path yml) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ConnectorCommand.commandLine().execute("edge", "ssh-ca", "--config", yml.toString()));
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
