package dev.portless.access.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portless.access.testing.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
    @TempDir
    Path config;

    private static CachedToken token(String edge, String app, Duration left) {
        return new CachedToken(
                edge,
                app,
                TestTokens.mint(edge, app, "alice@example.com", left),
                Instant.now().plus(left).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                "alice@example.com");
    }

    @Test
    void storesPrivatelyAndAtomically() throws Exception {
        TokenCache cache = TokenCache.in(config);
        assertFalse(Files.exists(cache.directory()), "reading must not create the directory");
        assertTrue(cache.find("https://edge", "db.example.com").isEmpty());

        CachedToken t = token("https://edge", "db.example.com", Duration.ofHours(1));
        cache.store(t);
        cache.store(t);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.directory())));
        List<Path> files;
        try (var s = Files.list(cache.directory())) {
            files = s.toList();
        }
        assertEquals(1, files.size(), "no temporary file may remain: " + files);
        Path file = files.get(0);
        assertEquals(
                TokenCache.key("https://edge", "db.example.com") + ".json",
                file.getFileName().toString());
        assertTrue(file.getFileName().toString().matches("[0-9a-f]{64}\\.json"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String json = Files.readString(file);
        assertTrue(json.contains("\"edge\":\"https:\\/\\/edge\"") || json.contains("\"edge\":\"https://edge\""), json);
        assertTrue(json.contains("\"app\":\"db.example.com\""), json);
        assertEquals(t, cache.find("https://edge", "db.example.com").orElseThrow());
    }

    @Test
    void aWidenedDirectoryIsRefusedWithTheCommandThatFixesIt() throws Exception {
        TokenCache cache = TokenCache.in(config);
        cache.store(token("https://edge", "db.example.com", Duration.ofHours(1)));
        Files.setPosixFilePermissions(cache.directory(), PosixFilePermissions.fromString("rwxr-xr-x"));
        String expected = "Cannot use the token cache in " + cache.directory() + ": " + cache.directory()
                + " may be read by others (mode rwxr-xr-x); run `chmod 700 " + cache.directory()
                + "` and try again (set PORTLESS_CONFIG_DIR to use another directory).";
        assertEquals(expected, refusal(() -> cache.find("https://edge", "db.example.com")));
        assertEquals(expected, refusal(cache::list));
        IOException stored = assertThrows(
                IOException.class, () -> cache.store(token("https://edge", "db.example.com", Duration.ofHours(1))));
        assertTrue(stored.getMessage().contains("run `chmod 700 " + cache.directory() + "`"), stored.getMessage());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.directory())));
    }

    @Test
    void aTokenFileOthersMayReadIsRefused() throws Exception {
        TokenCache cache = TokenCache.in(config);
        cache.store(token("https://edge", "db.example.com", Duration.ofHours(1)));
        Path file = cache.directory().resolve(TokenCache.key("https://edge", "db.example.com") + ".json");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(
                "Cannot use the token cache in " + cache.directory() + ": " + file
                        + " may be read by others (mode rw-r--r--); run `chmod 600 " + file
                        + "` and try again (set PORTLESS_CONFIG_DIR to use another directory).",
                refusal(() -> cache.find("https://edge", "db.example.com")));
    }

    @Test
    void neverFollowsASymbolicLinkInPlaceOfATokenOrTheDirectory() throws Exception {
        TokenCache cache = TokenCache.in(config);
        cache.store(token("https://edge", "other.example.com", Duration.ofHours(1)));
        Path planted = Files.createTempFile(config, "planted", ".json");
        Files.writeString(
                planted,
                token("https://edge", "db.example.com", Duration.ofHours(1)).toJson());
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-------"));
        Path file = cache.directory().resolve(TokenCache.key("https://edge", "db.example.com") + ".json");
        Files.createSymbolicLink(file, planted);
        assertEquals(
                "Cannot use the token cache in " + cache.directory() + ": " + file
                        + " is a symbolic link, which is never followed here; remove it and try again "
                        + "(set PORTLESS_CONFIG_DIR to use another directory).",
                refusal(() -> cache.find("https://edge", "db.example.com")));

        TokenCache linked = TokenCache.in(Files.createDirectory(config.resolve("elsewhere")));
        Files.createSymbolicLink(linked.directory(), cache.directory());
        assertTrue(refusal(linked::list).contains(" is a symbolic link"), "the directory itself is not followed");
    }

    @Test
    void aTokenFileAnotherUserOwnsIsRefused() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "only root can give a file away");
        TokenCache cache = TokenCache.in(config);
        cache.store(token("https://edge", "db.example.com", Duration.ofHours(1)));
        Path file = cache.directory().resolve(TokenCache.key("https://edge", "db.example.com") + ".json");
        Files.setOwner(
                file, config.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertTrue(refusal(() -> cache.find("https://edge", "db.example.com"))
                .contains(file + " belongs to nobody, not to root; remove it and try again"));
    }

    private static String refusal(org.junit.jupiter.api.function.Executable read) {
        return assertThrows(IllegalStateException.class, read).getMessage();
    }

    @Test
    void keyedByEdgeAndApp() throws Exception {
        TokenCache cache = TokenCache.in(config);
        CachedToken a = token("https://edge-a", "db.example.com", Duration.ofHours(1));
        CachedToken b = token("https://edge-b", "db.example.com", Duration.ofHours(2));
        CachedToken c = token("https://edge-a", "ssh.example.com", Duration.ofHours(3));
        cache.store(a);
        cache.store(b);
        cache.store(c);
        assertEquals(a, cache.find("https://edge-a", "db.example.com").orElseThrow());
        assertEquals(b, cache.find("https://edge-b", "db.example.com").orElseThrow());
        assertEquals(List.of(a, b, c), cache.list());

        assertFalse(cache.removeIfSame("https://edge-a", "db.example.com", b.token()), "another token stays");
        assertTrue(cache.removeIfSame("https://edge-a", "db.example.com", a.token()));
        assertEquals(List.of(b, c), cache.list());
        assertEquals(List.of(b), cache.removeAll(t -> t.app().equals("db.example.com")));
        assertEquals(List.of(c), cache.list());
    }

    @Test
    void aTokenIsPickedOnlyByTheEdgeAndAppAskedFor() throws Exception {
        TokenCache cache = TokenCache.in(config);
        CachedToken other = token("https://edge", "other.example.com", Duration.ofHours(1));
        cache.store(other);
        // Another app's token copied under this app's file name still names the other app, so it is no token.
        Files.copy(
                cache.directory().resolve(TokenCache.key("https://edge", "other.example.com") + ".json"),
                cache.directory().resolve(TokenCache.key("https://edge", "db.example.com") + ".json"));
        assertTrue(cache.find("https://edge", "db.example.com").isEmpty());
        assertTrue(cache.find("https://other-edge", "other.example.com").isEmpty());
        assertEquals(other, cache.find("https://edge", "other.example.com").orElseThrow());
    }

    @Test
    void unreadableFilesCountAsNoToken() throws Exception {
        TokenCache cache = TokenCache.in(config);
        cache.store(token("https://edge", "db.example.com", Duration.ofHours(1)));
        Files.writeString(
                cache.directory().resolve(TokenCache.key("https://edge", "db.example.com") + ".json"), "{not json");
        assertTrue(cache.find("https://edge", "db.example.com").isEmpty());
        assertTrue(cache.list().isEmpty());
    }

    @Test
    void freshnessKeepsThirtySecondsInHand() {
        Instant now = Instant.now();
        CachedToken t = new CachedToken("https://edge", "a", "x", now.plusSeconds(31), "");
        assertTrue(t.isFresh(now));
        assertFalse(t.isFresh(now.plusSeconds(1)));
        assertFalse(new CachedToken("https://edge", "a", "x", now.plusSeconds(29), "").isFresh(now));
        assertEquals(Duration.ZERO, t.timeLeft(now.plusSeconds(60)));
        assertFalse(t.toString().contains("x]") && t.toString().contains("token"), t.toString());
    }

    @Test
    void decodesWithoutVerifying() {
        String jwt = TestTokens.mint("https://edge", "db.example.com", "bob@example.com", Duration.ofMinutes(10));
        DecodedAppToken d = DecodedAppToken.decode(jwt);
        assertEquals(List.of("db.example.com"), d.audience());
        assertEquals("bob@example.com", d.identity());
        assertTrue(d.expiresAt().orElseThrow().isAfter(Instant.now().plusSeconds(590)));
    }

    @Test
    void configDirectoryFollowsThePlatform() {
        String home = "/home/u";
        assertEquals(
                Path.of("/tmp/p"), ConfigDirectory.resolve(Map.of("PORTLESS_CONFIG_DIR", "/tmp/p"), "Linux", home));
        assertEquals(Path.of("/x/portless"), ConfigDirectory.resolve(Map.of("XDG_CONFIG_HOME", "/x"), "Linux", home));
        assertEquals(
                Path.of(home, ".config", "portless"),
                ConfigDirectory.resolve(Map.of("XDG_CONFIG_HOME", "rel"), "Linux", home));
        assertEquals(Path.of(home, ".config", "portless"), ConfigDirectory.resolve(Map.of(), "Linux", home));
        assertEquals(
                Path.of(home, "Library", "Application Support", "portless"),
                ConfigDirectory.resolve(Map.of(), "Mac OS X", home));
        assertEquals(
                Path.of("C:\\Users\\u\\AppData\\Roaming", "portless"),
                ConfigDirectory.resolve(Map.of("APPDATA", "C:\\Users\\u\\AppData\\Roaming"), "Windows 11", home));
    }
}
