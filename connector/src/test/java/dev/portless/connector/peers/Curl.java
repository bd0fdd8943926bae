package dev.portless.connector.peers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's curl, run once per call with the arguments a test names, its output read whole. */
public final class Curl {
    /** Where Debian installs curl. */
    public static final String BINARY = "/usr/bin/curl";

    private Curl() {}

    /** Returns what curl wrote to stdout for {@code args}; fails when it does not end within 60 s or exits non-zero. */
    public static String run(String... args) throws IOException, InterruptedException {
        InstalledPeer.require(BINARY, "curl");
        List<String> command = new ArrayList<>(List.of(BINARY, "--silent", "--show-error", "--max-time", "30"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("curl did not end within 60 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("curl exited with " + p.exitValue() + ": " + text);
        }
        return text;
    }
}
