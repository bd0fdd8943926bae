package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.Sshd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified OpenSSH client reaches a real sshd through the whole stack, with {@code access ssh}
 * as its ProxyCommand: a remote command runs, scp copies a large file both ways intact, and the edge
 * logs each stream as completed for the service token that opened it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class OpenSshThroughTunnelTest {
    private static final java.util.Set<String> CLEAN_SCP_ENDS =
            java.util.Set.of("completed", "the target reset the connection");

    private static final String APP = "ssh.portless.test";
    private static final String IDENTITY = "service-token:" + PortlessStack.TOKEN_NAME;
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SCP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(15);
    private static final long FILE_SIZE = 100L << 20;
    private static final Pattern STREAM_LINE = Pattern.compile("stream=(\\d+) identity=(\\S+) app=(\\S+) client=(\\S+)"
            + " target=(\\S+) bytes_up=(\\d+) bytes_down=(\\d+) duration_ms=(\\d+) end=\"([^\"]*)\"");

    private Sshd sshd;
    private PortlessStack stack;

    @BeforeAll
    void startSshdAndStack() {
        sshd = Sshd.start(APP);
        stack = PortlessStack.builder()
                .app(APP, "ssh://127.0.0.1:" + sshd.port())
                .build()
                .start();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void sshRunsARemoteCommandAndTheEdgeLogsTheStreamAsCompleted() {
        long lastStream = lastStreamId();
        List<String> ssh = new ArrayList<>(sshd.sshArgs(stack.proxyCommand(), APP));
        ssh.add("echo hello-from-sshd");

        ProcessResult result = Commands.run(ssh, SSH_TIMEOUT);

        assertEquals(0, result.exitCode(), () -> result + diagnostics());
        assertEquals("hello-from-sshd\n", result.stdout(), () -> result + diagnostics());
        StreamLine line = awaitStreamAfter(lastStream);
        assertEquals(IDENTITY, line.identity(), line::text);
        assertEquals(APP, line.app(), line::text);
        assertEquals(
                "completed",
                line.end(),
                () -> "the edge did not log the ssh stream as completed: " + line.text() + diagnostics());
    }

    @Test
    void scpCopiesA100MiBFileUpAndBackDownIntact(@TempDir Path dir) throws IOException {
        Path source = writeRandomFile(dir.resolve("source.bin"), FILE_SIZE, 0x5eed_55L);
        Path uploaded = dir.resolve("uploaded.bin");
        Path downloaded = dir.resolve("downloaded.bin");

        long beforeUpload = lastStreamId();
        List<String> up = new ArrayList<>(sshd.scpArgs(stack.proxyCommand(), APP));
        up.add(source.toString());
        up.add(sshd.scpRemote(APP, uploaded.toString()));
        ProcessResult upResult = Commands.run(up, SCP_TIMEOUT);
        assertEquals(0, upResult.exitCode(), () -> upResult + diagnostics());
        StreamLine upStream = awaitStreamAfter(beforeUpload);

        long beforeDownload = lastStreamId();
        List<String> down = new ArrayList<>(sshd.scpArgs(stack.proxyCommand(), APP));
        down.add(sshd.scpRemote(APP, uploaded.toString()));
        down.add(downloaded.toString());
        ProcessResult downResult = Commands.run(down, SCP_TIMEOUT);
        assertEquals(0, downResult.exitCode(), () -> downResult + diagnostics());
        StreamLine downStream = awaitStreamAfter(beforeDownload);

        String expected = sha256(source);
        assertEquals(expected, sha256(uploaded), "the file scp uploaded differs from the source");
        assertEquals(expected, sha256(downloaded), "the file scp downloaded differs from the source");
        // The edge's accounting agrees with what went through: each copy carried the whole file one way.
        assertTrue(upStream.bytesUp() >= FILE_SIZE, upStream::text);
        assertTrue(downStream.bytesDown() >= FILE_SIZE, downStream::text);
        assertEquals(IDENTITY, upStream.identity(), upStream::text);
        assertEquals(IDENTITY, downStream.identity(), downStream::text);
        // Every byte arrived (hashes above); at teardown sshd sometimes closes its socket before the
        // relay saw its FIN, which the edge truthfully logs as a reset. Any other end is a bug.
        assertTrue(CLEAN_SCP_ENDS.contains(upStream.end()), () -> "upload stream: " + upStream.text() + diagnostics());
        assertTrue(
                CLEAN_SCP_ENDS.contains(downStream.end()),
                () -> "download stream: " + downStream.text() + diagnostics());
    }

    private long lastStreamId() {
        return streamLines().stream().mapToLong(StreamLine::id).max().orElse(0);
    }

    /** Returns the edge's log line of the first stream with an id above {@code lastStream}, once it is written. */
    private StreamLine awaitStreamAfter(long lastStream) {
        long deadline = System.nanoTime() + LOG_TIMEOUT.toNanos();
        while (true) {
            for (StreamLine line : streamLines()) {
                if (line.id() > lastStream) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the edge logged no stream after stream=" + lastStream + " within "
                        + LOG_TIMEOUT + diagnostics());
            }
            sleep(50);
        }
    }

    private List<StreamLine> streamLines() {
        List<StreamLine> lines = new ArrayList<>();
        for (String text : stack.edge().stderr().split("\n")) {
            Matcher m = STREAM_LINE.matcher(text);
            if (m.find()) {
                lines.add(new StreamLine(
                        Long.parseLong(m.group(1)),
                        m.group(2),
                        m.group(3),
                        Long.parseLong(m.group(6)),
                        Long.parseLong(m.group(7)),
                        m.group(9),
                        text));
            }
        }
        return lines;
    }

    private String diagnostics() {
        return "\n--- edge ---\n" + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr() + "\n--- sshd ---\n" + sshd.log();
    }

    private static Path writeRandomFile(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        chunk[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
        return file;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** One {@code stream=} line of the edge's log. */
    private record StreamLine(
            long id, String identity, String app, long bytesUp, long bytesDown, String end, String text) {}
}
