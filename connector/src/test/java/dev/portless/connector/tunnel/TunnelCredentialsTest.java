package dev.portless.connector.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.config.ConfigException;
import dev.portless.connector.secret.SecretHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelCredentialsTest {

    private static final UUID ID = UUID.fromString("6f1c2b9e-0d4a-4f3e-9a57-2c8e1b7d5a10");
    private static final String SECRET = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    private static String token(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void generateMakesAFreshIdAndA32ByteSecret() {
        final TunnelCredentials a = TunnelCredentials.generate("office");
        final TunnelCredentials b = TunnelCredentials.generate("office");
        assertEquals("office", a.tunnelName());
        assertEquals(43, a.secret().length());
        assertEquals(32, Base64.getUrlDecoder().decode(a.secret()).length);
        assertNotEquals(a.tunnelId(), b.tunnelId());
        assertNotEquals(a.secret(), b.secret());
        assertTrue(SecretHash.matches(a.secret(), a.secretSha256()));
    }

    @Test
    void toStringHidesTheSecret() {
        final TunnelCredentials credentials = TunnelCredentials.generate("office");
        assertFalse(credentials.toString().contains(credentials.secret()), credentials.toString());
        assertTrue(credentials.toString().contains(credentials.tunnelId().toString()));
    }

    @Test
    void writesAnOwnerOnlyJsonFileAndReadsItBack() throws IOException {
        final TunnelCredentials credentials = new TunnelCredentials(ID, "office", SECRET);
        final Path file = dir.resolve("tunnel.json");
        credentials.writeTo(file);
        assertEquals(
                "{\"TunnelID\":\"" + ID + "\",\"TunnelName\":\"office\",\"TunnelSecret\":\"" + SECRET + "\"}\n",
                Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(credentials, TunnelCredentials.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        final Path file = dir.resolve("tunnel.json");
        TunnelCredentials.generate("old").writeTo(file);
        final TunnelCredentials fresh = TunnelCredentials.generate("new");
        fresh.writeTo(file);
        assertEquals(fresh, TunnelCredentials.read(file));
    }

    @Test
    void writeIntoAMissingDirectoryFailsClearly() {
        final Path file = dir.resolve("nope/tunnel.json");
        final IOException e = assertThrows(
                IOException.class, () -> TunnelCredentials.generate("a").writeTo(file));
        assertEquals(
                "cannot write tunnel credentials to " + file + ": the directory " + dir.resolve("nope")
                        + " does not exist (create it first)",
                e.getMessage());
    }

    @Test
    void readRefusesAFileOthersCanRead() throws IOException {
        final Path file = dir.resolve("tunnel.json");
        TunnelCredentials.generate("office").writeTo(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        final ConfigException e = assertThrows(ConfigException.class, () -> TunnelCredentials.read(file));
        assertEquals(
                file + ": other users can access this tunnel secret (permissions rw-r--r--); run \"chmod 600 " + file
                        + "\", or pass a token in PORTLESS_TUNNEL_TOKEN instead",
                e.getMessage());
    }

    @Test
    void readAcceptsOwnerExecuteBit() throws IOException {
        final Path file = dir.resolve("tunnel.json");
        TunnelCredentials.generate("office").writeTo(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        assertEquals("office", TunnelCredentials.read(file).tunnelName());
    }

    @Test
    void readReportsAMissingFile() {
        final Path file = dir.resolve("tunnel.json");
        assertEquals(
                file + ": tunnel credentials file not found (create it with \"connector tunnel create\", "
                        + "or pass a token in PORTLESS_TUNNEL_TOKEN)",
                assertThrows(ConfigException.class, () -> TunnelCredentials.read(file))
                        .getMessage());
    }

    @Test
    void readReportsBrokenJsonWithoutEchoingTheSecret() throws IOException {
        final Path file = dir.resolve("tunnel.json");
        Files.writeString(file, "{\"TunnelID\":\"" + ID + "\",\"TunnelSecret\":\"" + SECRET + "\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        final ConfigException e = assertThrows(ConfigException.class, () -> TunnelCredentials.read(file));
        assertEquals(
                file + ": not a valid tunnel credentials file: \"TunnelName\" is missing (copy the file again "
                        + "or re-create it with \"connector tunnel create\")",
                e.getMessage());
        Files.writeString(file, "{\"TunnelID\":\"" + ID + "\",\"TunnelName\":\"a\",\"TunnelSecret\":\"short\"}");
        final ConfigException shortSecret = assertThrows(ConfigException.class, () -> TunnelCredentials.read(file));
        assertTrue(
                shortSecret.getMessage().contains("TunnelSecret is not base64url text of at least 32 bytes"),
                shortSecret.getMessage());
        assertFalse(shortSecret.getMessage().contains("short\""), shortSecret.getMessage());
    }

    @Test
    void tokenRoundTrips() {
        final TunnelCredentials credentials = TunnelCredentials.generate("office");
        final String token = credentials.toToken();
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertEquals(credentials, TunnelCredentials.fromToken("  " + token + "\n"));
        assertEquals(
                "{\"TunnelID\":\"" + credentials.tunnelId() + "\",\"TunnelName\":\"office\",\"TunnelSecret\":\""
                        + credentials.secret() + "\"}",
                new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
    }

    @Test
    void malformedTokensAreExplained() {
        assertEquals(
                "the tunnel token is empty (set PORTLESS_TUNNEL_TOKEN to the token printed when the tunnel "
                        + "was created)",
                assertThrows(IllegalArgumentException.class, () -> TunnelCredentials.fromToken(" "))
                        .getMessage());
        assertEquals(
                "the tunnel token is not base64url text (copy the whole token again; it is one line of "
                        + "letters, digits, '-' and '_')",
                assertThrows(IllegalArgumentException.class, () -> TunnelCredentials.fromToken("a$b"))
                        .getMessage());
        assertEquals(
                "the tunnel token does not hold tunnel credentials: expected '{' at character 1 "
                        + "(copy the whole token again)",
                assertThrows(IllegalArgumentException.class, () -> TunnelCredentials.fromToken(token("nope")))
                        .getMessage());
        assertEquals(
                "the tunnel token does not hold tunnel credentials: TunnelID is not a UUID "
                        + "(copy the whole token again)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> TunnelCredentials.fromToken(
                                        token("{\"TunnelID\":\"x\",\"TunnelName\":\"a\",\"TunnelSecret\":\"" + SECRET
                                                + "\"}")))
                        .getMessage());
        final String full = new TunnelCredentials(ID, "office", SECRET).toToken();
        assertThrows(IllegalArgumentException.class, () -> TunnelCredentials.fromToken(full.substring(0, 40)));
    }

    @Test
    void constructorChecksNameAndSecret() {
        assertThrows(IllegalArgumentException.class, () -> new TunnelCredentials(ID, "", SECRET));
        assertThrows(IllegalArgumentException.class, () -> new TunnelCredentials(ID, "my tunnel", SECRET));
        assertThrows(IllegalArgumentException.class, () -> new TunnelCredentials(ID, "a", "short"));
        assertThrows(IllegalArgumentException.class, () -> new TunnelCredentials(ID, "a", SECRET + "="));
        assertThrows(IllegalArgumentException.class, () -> TunnelCredentials.generate("bad name"));
    }
}
