package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code access ssh} run against a {@link PortlessStack} as ssh's ProxyCommand runs it, and the check that the
 * stack still carries a good stream after a test got something wrong on purpose.
 */
final class AccessSshRun {
    /** What a good stream carries to the echo target and back. */
    static final String PAYLOAD = "hello through portless\n";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AccessSshRun() {}

    /** Returns the result of {@code access ssh --hostname hostname} with {@code env}, its stdin {@code stdin} (or none). */
    static ProcessResult run(PortlessStack stack, String hostname, Map<String, String> env, Path stdin) {
        return Commands.run(
                List.of(stack.accessLauncher().toString(), "ssh", "--hostname", hostname), TIMEOUT, env, stdin);
    }

    /** Asserts that a stream to {@code echoApp}, an echo target's app, carries {@link #PAYLOAD} there and back. */
    static void assertGoodStream(PortlessStack stack, String echoApp) {
        Path payload = stack.dir().resolve("payload");
        try {
            if (!Files.exists(payload)) {
                Files.writeString(payload, PAYLOAD);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessResult r = run(stack, echoApp, stack.accessEnv(), payload);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(PAYLOAD, r.stdout(), r::toString);
        assertEquals("", r.stderr(), r::toString);
    }
}
