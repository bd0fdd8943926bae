package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import dev.portless.it.peers.JavaProcess;
import dev.portless.it.peers.SlowReaderServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded buffers end to end: a client writing as fast as it can to a target that reads 1 MiB/s is
 * held back, no process in between swells with its bytes, and another stream on the same tunnel
 * connection still moves at full speed meanwhile.
 */
@Timeout(180)
class BackpressureTest {

    private static final String SLOW_APP = "slow.portless.test";
    private static final String ECHO_APP = "echo.portless.test";
    private static final long SLOW_RATE = 1 << 20;
    private static final long BUDGET = 1L << 30;
    private static final long SLOW_WINDOW_MILLIS = 10_000;
    private static final long ECHO_SIZE = 64L << 20;
    private static final int CHUNK = 64 * 1024;
    // What a stalled stream may hold in flight: socket buffers, HTTP/2 window, watermarks, with room to spare.
    private static final long MAX_WRITTEN = 200L << 20;
    private static final long MAX_RSS_GROWTH_KIB = 150L << 10;
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB$");

    @Test
    void slowTargetHoldsItsClientBackWithoutSwellingAnyProcessOrStallingItsNeighbour() throws Exception {
        try (SlowReaderServer slow = SlowReaderServer.start(SLOW_RATE);
                EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app(SLOW_APP, "tcp://127.0.0.1:" + slow.port())
                        .app(ECHO_APP, "tcp://127.0.0.1:" + echo.port())
                        // One tunnel connection: both streams share it, and its flow control.
                        .connectorSetting("ha-connections", "1")
                        .build()
                        .start()) {
            PortlessStack.AccessTcp slowTcp = stack.accessTcp(SLOW_APP);
            PortlessStack.AccessTcp echoTcp = stack.accessTcp(ECHO_APP);
            Map<String, JavaProcess> processes = new LinkedHashMap<>();
            processes.put("edge", stack.edge());
            processes.put("connector", stack.connector());
            processes.put("access tcp (slow)", slowTcp.process());
            processes.put("access tcp (echo)", echoTcp.process());

            // Warm up first (JIT, heap, buffer pools), so what grows later is what the slow stream holds.
            echoThrough(echoTcp.port(), ECHO_SIZE, 1);
            Map<String, Long> baseline = rssKib(processes);

            ExecutorService writerThread = Executors.newSingleThreadExecutor();
            AtomicLong written = new AtomicLong();
            try (Socket slowSocket = new Socket(InetAddress.getLoopbackAddress(), slowTcp.port())) {
                long slowStart = System.nanoTime();
                CompletableFuture<Void> writer =
                        CompletableFuture.runAsync(() -> writeAsFastAsPossible(slowSocket, written), writerThread);

                long echoStart = System.nanoTime();
                echoThrough(echoTcp.port(), ECHO_SIZE, 2);
                double echoSeconds = (System.nanoTime() - echoStart) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "BackpressureTest: 64 MiB echoed beside the stalled stream in %.1f s:"
                                + " %.1f MB/s each way%n",
                        echoSeconds,
                        ECHO_SIZE / 1e6 / echoSeconds);

                Map<String, Long> peak = new LinkedHashMap<>(baseline);
                while ((System.nanoTime() - slowStart) / 1_000_000 < SLOW_WINDOW_MILLIS) {
                    rssKib(processes).forEach((name, kib) -> peak.merge(name, kib, Math::max));
                    Thread.sleep(250);
                }
                rssKib(processes).forEach((name, kib) -> peak.merge(name, kib, Math::max));
                long writtenAfterWindow = written.get();
                long drained = slow.bytesRead();
                System.out.printf(
                        Locale.ROOT,
                        "BackpressureTest: in %d s the client wrote %.1f MiB, the 1 MiB/s target"
                                + " read %.1f MiB; RSS KiB before %s, peak %s%n",
                        SLOW_WINDOW_MILLIS / 1000,
                        writtenAfterWindow / 1048576.0,
                        drained / 1048576.0,
                        baseline,
                        peak);

                assertTrue(!writer.isDone(), () -> "the writer stopped early: " + writer);
                assertTrue(
                        drained >= 2L << 20,
                        () -> "the slow stream barely flowed: the target read only " + drained + " bytes"
                                + diagnostics(stack));
                assertTrue(
                        writtenAfterWindow < MAX_WRITTEN,
                        () -> "the client was not held back: it wrote " + writtenAfterWindow + " bytes in "
                                + SLOW_WINDOW_MILLIS + " ms to a 1 MiB/s reader");
                for (String name : processes.keySet()) {
                    long growth = peak.get(name) - baseline.get(name);
                    assertTrue(
                            growth < MAX_RSS_GROWTH_KIB,
                            () -> name + " grew by " + growth + " KiB of RSS (from " + baseline.get(name)
                                    + " KiB) while the slow stream was stalled");
                }
            } finally {
                // Closing the socket above ends the blocked write; the thread then exits.
                writerThread.shutdownNow();
                writerThread.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void writeAsFastAsPossible(Socket socket, AtomicLong written) {
        byte[] chunk = new byte[CHUNK];
        new SplittableRandom(3).nextBytes(chunk);
        try {
            OutputStream out = socket.getOutputStream();
            while (written.get() < BUDGET) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException closedByTheTest) {
            // The test closes the socket once it has seen enough.
        }
    }

    /**
     * Sends {@code size} seeded random bytes through the echo app and checks they come back intact.
     * It reads exactly {@code size} bytes and never half-closes: end of stream is HalfCloseTest's and
     * BulkTransferTest's subject, this test is about buffers.
     */
    private static void echoThrough(int port, long size, long seed) throws Exception {
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(
                    () -> {
                        MessageDigest digest = sha256();
                        SplittableRandom random = new SplittableRandom(seed);
                        byte[] chunk = new byte[CHUNK];
                        try {
                            OutputStream out = socket.getOutputStream();
                            for (long n = 0; n < size; n += CHUNK) {
                                random.nextBytes(chunk);
                                digest.update(chunk);
                                out.write(chunk);
                            }
                        } catch (IOException e) {
                            throw new RuntimeException("writing to the echo app failed: " + e, e);
                        }
                        return digest.digest();
                    },
                    writerThread);
            MessageDigest received = sha256();
            long count = 0;
            byte[] buffer = new byte[CHUNK];
            InputStream in = socket.getInputStream();
            while (count < size) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - count));
                if (n == -1) {
                    break;
                }
                received.update(buffer, 0, n);
                count += n;
            }
            assertEquals(size, count, "bytes echoed before the stream ended");
            assertArrayEquals(sent.get(30, TimeUnit.SECONDS), received.digest(), "SHA-256 of the echo");
        } finally {
            writerThread.shutdownNow();
        }
    }

    private static Map<String, Long> rssKib(Map<String, JavaProcess> processes) throws IOException {
        Map<String, Long> rss = new LinkedHashMap<>();
        for (Map.Entry<String, JavaProcess> e : processes.entrySet()) {
            String status =
                    Files.readString(Path.of("/proc", Long.toString(e.getValue().pid()), "status"));
            Matcher m = VM_RSS.matcher(status);
            assertTrue(
                    m.find(),
                    () -> "no VmRSS for " + e.getKey() + " in /proc/"
                            + e.getValue().pid() + "/status");
            rss.put(e.getKey(), Long.parseLong(m.group(1)));
        }
        return rss;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String diagnostics(PortlessStack stack) {
        return "\n--- edge ---\n" + stack.edge().stderr() + "\n--- connector ---\n"
                + stack.connector().stderr();
    }
}
