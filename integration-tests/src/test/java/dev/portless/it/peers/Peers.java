package dev.portless.it.peers;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides what a test does when a real peer (sshd, PostgreSQL, ...) is not installed: on a developer
 * machine it is skipped, on CI it fails, because a CI run that silently skips the end-to-end tests
 * proves nothing.
 */
public final class Peers {

    private Peers() {}

    /**
     * Skips the calling test (or fails it on CI) unless {@code available}.
     *
     * @param what the peer and the Debian package that provides it, e.g.
     *             {@code "sshd (Debian package openssh-server)"}
     */
    public static void require(String what, boolean available) {
        requireNonNull(what, "what");
        if (available) {
            return;
        }
        String message = what + " is not installed; run scripts/setup as root to install the test peers.";
        if (onCi()) {
            throw new AssertionError(message);
        }
        Assumptions.assumeTrue(false, message);
    }

    /** Returns whether {@code path} is an executable file. */
    public static boolean executable(String path) {
        Path file = Path.of(path);
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    /** Returns whether this run is a CI run: {@code -Dportless.ci=true} or {@code CI=true} in the environment. */
    public static boolean onCi() {
        return "true".equals(System.getProperty("portless.ci")) || "true".equals(System.getenv("CI"));
    }
}
