package dev.portless.access.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.testing.TestTokens;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.TokenCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code access} keeps no key material in, and reads none from, the directory it is started in: a token cache
 * planted there, in every shape the real one could have, is never used.
 */
class WorkingDirectoryTest {
    private static final String EDGE = "https://edge.example.com";
    private static final String APP = "db.example.com";

    @Test
    void aTokenPlantedInTheWorkingDirectoryIsNeverRead(@TempDir Path planted, @TempDir Path home) throws Exception {
        CachedToken token = new CachedToken(
                EDGE,
                APP,
                TestTokens.mint(EDGE, APP, "mallory@example.com", Duration.ofHours(1)),
                Instant.now().plus(Duration.ofHours(1)),
                "mallory@example.com");
        for (String dir :
                List.of(".", "portless", ".portless", ".config/portless", "Library/Application Support/portless")) {
            Path config = planted.resolve(dir);
            Files.createDirectories(config);
            TokenCache.in(config).store(token);
            Files.setPosixFilePermissions(config.resolve("tokens"), PosixFilePermissions.fromString("rwx------"));
        }

        ProcessBuilder command = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Duser.home=" + home,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.portless.access.AccessMain",
                        "token",
                        "--edge",
                        EDGE,
                        APP)
                .directory(planted.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        command.environment().remove("PORTLESS_CONFIG_DIR");
        command.environment().remove("XDG_CONFIG_HOME");
        command.environment().put("HOME", home.toString());
        Process access = command.start();
        String output = new String(access.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(access.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, access.exitValue(), output);
        assertEquals(
                "access: No valid sign-in to " + APP + " at " + EDGE + "; run `access login " + APP + "` first.",
                output.strip());
        assertTrue(!output.contains(token.token()));
    }
}
