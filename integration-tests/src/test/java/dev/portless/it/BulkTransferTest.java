package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Large and many: a gigabyte each way through one {@code access tcp} stream arrives intact, and
 * hundreds of connections at once through one {@code access tcp} each get back exactly their own
 * bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkTransferTest {

    private static final String APP = "echo.portless.test";
    private static final long GIB = 1L << 30;
    private static final int CHUNK = 64 * 1024;
    private static final int CONNECTIONS = 200;
    private static final int PAYLOAD = 256 * 1024;
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private EchoServer echo;
    private PortlessStack stack;
    private PortlessStack.AccessTcp tcp;

    @BeforeAll
    void startStack() {
        echo = EchoServer.start();
        stack = PortlessStack.builder()
                .app(APP, "tcp://127.0.0.1:" + echo.port())
                .build()
                .start();
        tcp = stack.accessTcp(APP);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    @Timeout(240)
    void oneGibibyteEachWayArrivesIntact() throws Exception {
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            long start = System.nanoTime();
            AtomicLong sentBytes = new AtomicLong();
            CompletableFuture<byte[]> sent =
                    CompletableFuture.supplyAsync(() -> send(socket, GIB, 0x1_0000L, sentBytes), writerThread);

            MessageDigest received = sha256();
            long receivedBytes = 0;
            byte[] buffer = new byte[CHUNK];
            InputStream in = socket.getInputStream();
            int n;
            try {
                while ((n = in.read(buffer)) != -1) {
                    received.update(buffer, 0, n);
                    receivedBytes += n;
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "the stream stalled: nothing came back for " + READ_TIMEOUT_MILLIS
                                + " ms after " + receivedBytes + " bytes received and " + sentBytes.get() + " sent"
                                + diagnostics() + sockets(),
                        e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            byte[] sentDigest = sent.get(30, TimeUnit.SECONDS);

            System.out.printf(
                    Locale.ROOT,
                    "BulkTransferTest: 1 GiB up and 1 GiB down through access tcp in %.1f s:" + " %.1f MB/s each way%n",
                    seconds,
                    GIB / 1e6 / seconds);
            assertEquals(GIB, receivedBytes, () -> "bytes echoed before end of file" + diagnostics());
            assertEquals(
                    HexFormat.of().formatHex(sentDigest),
                    HexFormat.of().formatHex(received.digest()),
                    "SHA-256 of what came back differs from what was sent" + diagnostics());
        } finally {
            writerThread.shutdownNow();
        }
    }

    @Test
    @Timeout(180)
    void twoHundredConcurrentConnectionsEachGetTheirOwnBytesBack() throws Exception {
        // A writer and a reader per connection: neither side may wait for the other to drain.
        ExecutorService threads = Executors.newFixedThreadPool(2 * CONNECTIONS);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                results.add(CompletableFuture.supplyAsync(() -> echoOne(id, go, threads), threads));
            }
            go.countDown();
            List<String> failures = new ArrayList<>();
            for (CompletableFuture<String> result : results) {
                try {
                    String failure = result.get(150, TimeUnit.SECONDS);
                    if (failure != null) {
                        failures.add(failure);
                    }
                } catch (ExecutionException | TimeoutException e) {
                    failures.add(String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
            }
            assertTrue(
                    failures.isEmpty(),
                    () -> failures.size() + " of " + CONNECTIONS + " connections failed, e.g. "
                            + failures.subList(0, Math.min(5, failures.size())) + diagnostics());
            assertTrue(
                    echo.acceptedConnections() >= CONNECTIONS,
                    "the echo server saw " + echo.acceptedConnections() + " connections");
        } finally {
            threads.shutdownNow();
        }
    }

    /** Returns null if connection {@code id} got back exactly its own payload, else what went wrong. */
    private String echoOne(int id, CountDownLatch go, ExecutorService threads) {
        byte[] payload = new byte[PAYLOAD];
        new SplittableRandom(1_000_003L * (id + 1)).nextBytes(payload);
        try {
            go.await();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                CompletableFuture<Void> written = CompletableFuture.runAsync(
                        () -> {
                            try {
                                OutputStream out = socket.getOutputStream();
                                out.write(payload);
                                socket.shutdownOutput();
                            } catch (IOException e) {
                                throw new RuntimeException("connection " + id + " write failed: " + e, e);
                            }
                        },
                        threads);
                byte[] back = socket.getInputStream().readAllBytes();
                written.get(30, TimeUnit.SECONDS);
                if (!Arrays.equals(payload, back)) {
                    return "connection " + id + " got " + back.length + " bytes back, not its " + PAYLOAD
                            + (back.length == PAYLOAD ? " (same length, different bytes)" : "");
                }
                return null;
            }
        } catch (Exception e) {
            return "connection " + id + ": " + e;
        }
    }

    /** Writes {@code size} bytes from a seeded generator, shuts output down, and returns their SHA-256. */
    private static byte[] send(Socket socket, long size, long seed, AtomicLong sentBytes) {
        MessageDigest digest = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        try {
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < size; sent += CHUNK) {
                fill(chunk, random);
                int n = (int) Math.min(CHUNK, size - sent);
                digest.update(chunk, 0, n);
                out.write(chunk, 0, n);
                sentBytes.addAndGet(n);
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new RuntimeException("writing the gibibyte failed: " + e, e);
        }
        return digest.digest();
    }

    private static void fill(byte[] chunk, SplittableRandom random) {
        for (int i = 0; i < chunk.length; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8; b++) {
                chunk[i + b] = (byte) (v >>> (8 * b));
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private String diagnostics() {
        return "\n--- access tcp ---\n" + tail(tcp.process().stderr()) + "\n--- edge ---\n"
                + tail(stack.edge().stderr()) + "\n--- connector ---\n"
                + tail(stack.connector().stderr());
    }

    /** Returns the kernel's view of every TCP socket (queues, owners), to show where bytes stopped. */
    private static String sockets() {
        try {
            Process ss =
                    new ProcessBuilder("ss", "-tnpi").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
            return "\n--- ss -tnpi ---\n" + out;
        } catch (IOException | InterruptedException e) {
            return "\n(ss failed: " + e + ")";
        }
    }

    private static String tail(String log) {
        return log.length() <= 8_000 ? log : "…" + log.substring(log.length() - 8_000);
    }
}
