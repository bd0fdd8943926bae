package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.FreePorts;
import dev.portless.it.peers.RepositoryRoot;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's first command, as a user runs it: {@code scripts/demo} starts {@code connector serve} on
 * the embedded default and an {@code access tcp} forward, and proves the forward with a round trip.
 */
class DemoScriptTest {
    @TempDir
    Path home;

    @Test
    void theDemoComesUpAndEchoesThroughTheWholePath() throws Exception {
        Path root = RepositoryRoot.get();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/demo").toString())
                .directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().put("PORTLESS_HOME", home.toString());
        pb.environment().put("PORTLESS_DEMO_ONESHOT", "1");
        pb.environment().put("PORTLESS_DEMO_PORT", Integer.toString(FreePorts.next()));
        pb.environment().put("PORTLESS_DEMO_TUNNEL_PORT", Integer.toString(FreePorts.next()));
        pb.environment().put("PORTLESS_DEMO_LOCAL_PORT", Integer.toString(FreePorts.next()));
        Process demo = pb.start();
        String output;
        try {
            output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "the demo did not finish");
        } finally {
            demo.destroyForcibly();
        }
        assertEquals(0, demo.exitValue(), output);
        assertTrue(
                output.contains("round trip:  sent \"hello through Portless\", got \"hello through Portless\""),
                output);
        Path state = home.resolve("demo");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("service-token-secret"))));
        assertTrue(
                Files.readString(state.resolve("edge.yml")).contains("outbox: outbox"),
                "the demo's sign-in writes codes to its outbox");
    }
}
