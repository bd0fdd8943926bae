package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/install} as README shows it: the programs run from the prefix, their completion and
 * man pages sit where bash and man look, and {@code --uninstall} leaves nothing behind.
 */
class InstallScriptTest {
    private static final Path ROOT = RepositoryRoot.get();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path prefix;

    @Test
    void installRunsFromThePrefixAndUninstallLeavesNothing() throws IOException {
        // The reactor built the jars before this module's tests: install what it made.
        install("--prefix", prefix.toString(), "--no-build").assertSuccess();

        // A shell whose PATH starts with the prefix's bin, as the install tells the user to set it.
        Map<String, String> env = Map.of("PATH", prefix.resolve("bin") + ":" + System.getenv("PATH"));
        ProcessResult access = Commands.run(List.of("/bin/bash", "-c", "access --version"), TIMEOUT, env)
                .assertSuccess();
        assertEquals("portless access 0.1.0-SNAPSHOT", access.stdout().strip());
        ProcessResult connector = Commands.run(List.of("/bin/bash", "-c", "connector --version"), TIMEOUT, env)
                .assertSuccess();
        assertEquals("portless connector 0.1.0-SNAPSHOT", connector.stdout().strip());

        assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/access.1")));
        assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/connector-run.1")));
        ProcessResult completion = Commands.run(
                        List.of(
                                "/bin/bash",
                                "-c",
                                "source \"$1\" && complete -p access",
                                "bash",
                                prefix.resolve("share/bash-completion/completions/access")
                                        .toString()),
                        TIMEOUT)
                .assertSuccess();
        assertTrue(completion.stdout().contains("_complete_access"), completion.toString());

        // Installing again updates in place; a file the install did not put there is never replaced.
        install("--prefix", prefix.toString(), "--no-build").assertSuccess();
        Files.writeString(prefix.resolve("share/man/man1/mine.1"), "the user's own page\n");

        install("--prefix", prefix.toString(), "--uninstall").assertSuccess();
        assertEquals(List.of(prefix.resolve("share/man/man1/mine.1")), everythingIn(prefix));
    }

    @Test
    void aFileThatIsNotOursIsNeverReplaced() throws IOException {
        Files.createDirectories(prefix.resolve("bin"));
        Files.writeString(prefix.resolve("bin/access"), "#!/bin/sh\necho another access\n");
        ProcessResult refused = install("--prefix", prefix.toString(), "--no-build");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(
                refused.stderr().contains(prefix.resolve("bin/access") + " exists and was not installed by Portless"),
                refused.toString());
        assertEquals("#!/bin/sh\necho another access\n", Files.readString(prefix.resolve("bin/access")));
        assertEquals(List.of(prefix.resolve("bin/access")), everythingIn(prefix));
    }

    private static ProcessResult install(String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(ROOT.resolve("scripts/install").toString());
        command.addAll(List.of(args));
        return Commands.run(command, TIMEOUT);
    }

    /** Returns every file left under {@code dir}; empty directories the install created count as left too. */
    private static List<Path> everythingIn(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir))
                    .filter(p -> !Files.isDirectory(p) || isEmpty(p))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
