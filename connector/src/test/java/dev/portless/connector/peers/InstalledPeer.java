package dev.portless.connector.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The check that a peer's Debian package is installed: on CI its absence fails the test, elsewhere it skips it. */
final class InstalledPeer {
    private InstalledPeer() {}

    /** Returns when {@code binary} is executable; fails or skips the test naming {@code name} otherwise. */
    static void require(String binary, String name) {
        if (Files.isExecutable(Path.of(binary))) {
            return;
        }
        String message = name + " is not installed; run scripts/setup as root to install the test peers.";
        if ("true".equals(System.getenv("CI")) || "true".equals(System.getProperty("portless.ci"))) {
            throw new AssertionError(message);
        }
        Assumptions.assumeTrue(false, message);
    }
}
