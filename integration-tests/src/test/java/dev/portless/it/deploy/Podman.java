package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Debian's podman as the tests drive it: a containers.conf written here (runc, raised ulimits, which this
 * machine needs), and the images built once per test run by {@code scripts/image} and shared.
 */
final class Podman {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    static final String IMAGE = "localhost/portless-connector:it";
    static final String ACCESS_IMAGE = "localhost/portless-access:it";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static Path conf;
    private static final Set<String> BUILT = new HashSet<>();

    private Podman() {}

    /** Fails on CI, or skips elsewhere, unless podman and runc are installed. */
    static void require() {
        Peers.require(
                "podman (Debian packages podman, runc)",
                Peers.executable("/usr/bin/podman") && Peers.executable("/usr/sbin/runc"));
    }

    /** Returns the environment podman runs with: CONTAINERS_CONF pointing at this run's containers.conf. */
    static synchronized Map<String, String> env() {
        if (conf == null) {
            try {
                conf = Files.createTempDirectory("portless-podman").resolve("containers.conf");
                // crun refuses this machine's hybrid cgroups, and the default nofile limit fails setrlimit.
                Files.writeString(conf, """
                        [engine]
                        runtime = "runc"
                        [containers]
                        default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                        """);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.of("CONTAINERS_CONF", conf.toString());
    }

    /** Returns the connector image's name, building it by {@code scripts/image} the first time. */
    static String connectorImage() {
        return image("connector", IMAGE);
    }

    /** Returns the access image's name, building it by {@code scripts/image --program access} the first time. */
    static String accessImage() {
        return image("access", ACCESS_IMAGE);
    }

    private static synchronized String image(String program, String tag) {
        require();
        if (!BUILT.contains(tag)) {
            ProcessResult r = Commands.run(
                    List.of(ROOT.resolve("scripts/image").toString(), "--program", program, "--no-build", "--tag", tag),
                    BUILD_TIMEOUT,
                    env());
            assertEquals(0, r.exitCode(), r::toString);
            BUILT.add(tag);
        }
        return tag;
    }

    /** Runs {@code podman args...} and returns what it did. */
    static ProcessResult run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(List.of(args));
        return Commands.run(command, COMMAND_TIMEOUT, env());
    }

    /**
     * Creates the podman secret {@code name} from {@code data}, written to podman's stdin (a pipe, which
     * {@code podman secret create NAME -} insists on) so the value is in no argv and no file.
     */
    static void createSecret(String name, byte[] data) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("podman", "secret", "create", name, "-").redirectErrorStream(true);
        builder.environment().putAll(env());
        Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(data);
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("podman secret create " + name + " did not finish within " + COMMAND_TIMEOUT);
        }
        assertEquals(0, process.exitValue(), () -> "podman secret create " + name + " failed: " + output);
    }

    /** Waits until {@code container}'s log holds {@code needle}, failing the test after {@code timeout}. */
    static void awaitLog(String container, String needle, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String logs = "";
        while (System.nanoTime() < deadline) {
            ProcessResult r = run("logs", container);
            logs = r.stdout() + r.stderr();
            if (logs.contains(needle)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                container + " did not log \"" + needle + "\" within " + timeout.toSeconds() + " s: " + logs);
    }

    /** Runs {@code podman args...} and returns its stdout, failing the test when it fails. */
    static String ok(String... args) {
        ProcessResult r = run(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout();
    }
}
