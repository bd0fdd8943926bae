package dev.portless.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.Commands;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.ProcessResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB upload and a 1 GiB download with curl through the real edge and connector processes to nginx
 * (WebDAV {@code PUT} for the upload): the bytes arrive unchanged, and neither program's resident memory,
 * sampled from {@code /proc/PID/status} during the transfer, passes {@value #RSS_BOUND_MIB} MiB.
 */
class LargeTransferTest {
    private static final long SIZE = 1L << 30;
    private static final long RSS_BOUND_MIB = 400;
    private static final Duration CURL_TIMEOUT = Duration.ofMinutes(5);
    private static final String FILES = "files.portless.test";

    private static FileOrigin origin;
    private static PortlessStack stack;
    private static String sourceSha256;

    @BeforeAll
    static void start() throws Exception {
        origin = FileOrigin.start("location /upload/ { dav_methods PUT; create_full_put_path on; }\n");
        sourceSha256 = writeRandomFile(origin.www().resolve("big.bin"), SIZE);
        stack = PortlessStack.builder().app(FILES, origin.url()).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (origin != null) {
            origin.close();
            Files.deleteIfExists(origin.www().resolve("big.bin"));
            Files.deleteIfExists(origin.www().resolve("upload/big.bin"));
        }
    }

    @Test
    void oneGibUploadArrivesWholeAndTheProgramsStaySmall() throws IOException {
        ProcessResult upload;
        Peaks peaks = new Peaks(stack.edge(), stack.connector());
        long started = System.nanoTime();
        try (peaks) {
            upload = curl(List.of("-T", origin.www().resolve("big.bin").toString()), "/upload/big.bin", "-o /dev/null");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals("201", lastLine(upload), upload.toString());
        assertEquals(sourceSha256, sha256(origin.www().resolve("upload/big.bin")), "the uploaded file differs");
        System.out.printf("1 GiB upload: %d ms, %s%n", millis, peaks);
        peaks.assertUnder(RSS_BOUND_MIB);
    }

    @Test
    void oneGibDownloadArrivesWholeAndTheProgramsStaySmall() {
        ProcessResult download;
        Peaks peaks = new Peaks(stack.edge(), stack.connector());
        long started = System.nanoTime();
        try (peaks) {
            download = curl(List.of(), "/big.bin", "| sha256sum");
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, download.exitCode(), download.toString());
        assertTrue(download.stdout().startsWith(sourceSha256 + " "), "the downloaded file differs: " + download);
        System.out.printf("1 GiB download: %d ms, %s%n", millis, peaks);
        peaks.assertUnder(RSS_BOUND_MIB);
    }

    /**
     * Runs curl for {@code path} on the app with the service token's header file and {@code args}, its
     * body going to {@code sink} (a shell redirection or pipe); curl's status code is the last line.
     */
    private static ProcessResult curl(List<String> args, String path, String sink) {
        List<String> curl = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--http1.1"));
        curl.addAll(List.of("-H", "@" + stack.serviceTokenHeaderFile()));
        curl.addAll(stack.curlReaching(FILES));
        curl.addAll(args);
        curl.add(stack.appUrl(FILES, path));
        String command = "set -o pipefail; "
                + String.join(" ", curl.stream().map(LargeTransferTest::quoted).toList())
                + " -w '%{stderr}%{http_code}\\n' " + sink;
        return Commands.run(List.of("bash", "-c", command), CURL_TIMEOUT);
    }

    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static String lastLine(ProcessResult r) {
        List<String> lines = r.stderr().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Writes {@code size} pseudo-random bytes to {@code file} and returns their SHA-256 in hex. */
    static String writeRandomFile(Path file, long size) throws IOException {
        MessageDigest digest = sha256();
        Random random = new Random(13);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                digest.update(block);
                out.write(block);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The highest resident set sizes of the edge and the connector, sampled every 100 ms until closed. */
    static final class Peaks implements AutoCloseable {
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        private final long edgePid;
        private final long connectorPid;
        private final AtomicLong edgeKib = new AtomicLong();
        private final AtomicLong connectorKib = new AtomicLong();

        Peaks(JavaProcess edge, JavaProcess connector) {
            edgePid = edge.pid();
            connectorPid = connector.pid();
            sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            edgeKib.accumulateAndGet(rssKib(edgePid), Math::max);
            connectorKib.accumulateAndGet(rssKib(connectorPid), Math::max);
        }

        private static long rssKib(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
                throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void assertUnder(long mib) {
            assertTrue(edgeKib.get() < mib * 1024, "the edge's RSS passed " + mib + " MiB: " + this);
            assertTrue(connectorKib.get() < mib * 1024, "the connector's RSS passed " + mib + " MiB: " + this);
        }

        @Override
        public void close() {
            sampler.shutdownNow();
            sample();
        }

        @Override
        public String toString() {
            return "peak RSS edge " + edgeKib.get() / 1024 + " MiB, connector " + connectorKib.get() / 1024 + " MiB";
        }
    }
}
