package dev.portless.bench.soak;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mixed traffic of a soak through forwards to the echo service: held streams that each echo a
 * few bytes every few seconds, a few bulk streams that echo blocks at a capped rate, and short
 * connections opened, echoed once and closed every second. Every failure is counted, never retried.
 */
final class SoakTraffic implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;
    private static final int BULK_BLOCK = 64 * 1024;

    private final List<InetSocketAddress> addresses;
    private final ScheduledExecutorService interactive = Executors.newScheduledThreadPool(8);
    private final ExecutorService bulk = Executors.newCachedThreadPool();
    private final List<Socket> held = new ArrayList<>();
    private final List<Future<?>> bulkRuns = new ArrayList<>();
    private volatile boolean stopping;

    final AtomicLong echoes = new AtomicLong();
    final AtomicLong bulkBytes = new AtomicLong();
    final AtomicLong churned = new AtomicLong();
    final AtomicLong failedStreams = new AtomicLong();
    final AtomicLong failedConnections = new AtomicLong();

    SoakTraffic(List<InetSocketAddress> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    /** Opens {@code streams} held streams, each proven by one echo, then echoes on each every {@code everySeconds}. */
    void holdInteractive(int streams, double everySeconds) throws IOException {
        long periodMillis = Math.max(1, (long) (everySeconds * 1000));
        for (int i = 0; i < streams; i++) {
            Socket s = open(addresses.get(i % addresses.size()));
            held.add(s);
            roundTrip(s, new byte[] {(byte) i});
            long first = ThreadLocalRandom.current().nextLong(periodMillis);
            interactive.scheduleWithFixedDelay(() -> echoOrFail(s), first, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts {@code streams} bulk streams, each echoing 64 KiB blocks at no more than {@code kibPerSecond}. */
    void runBulk(int streams, int kibPerSecond) {
        for (int i = 0; i < streams; i++) {
            InetSocketAddress address = addresses.get(i % addresses.size());
            bulkRuns.add(bulk.submit(() -> bulkLoop(address, kibPerSecond)));
        }
    }

    /** Opens, echoes once over and closes {@code perSecond} new connections every second. */
    void churn(int perSecond) {
        if (perSecond <= 0) {
            return;
        }
        long periodMicros = 1_000_000L / perSecond;
        interactive.scheduleAtFixedRate(this::churnOne, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void echoOrFail(Socket s) {
        if (stopping || s.isClosed()) {
            return;
        }
        try {
            roundTrip(s, randomBytes(32));
            echoes.incrementAndGet();
        } catch (IOException e) {
            if (!stopping) {
                failedStreams.incrementAndGet();
                System.err.println("soak: a held stream failed: " + e.getMessage());
                closeQuietly(s);
            }
        }
    }

    private void bulkLoop(InetSocketAddress address, int kibPerSecond) {
        byte[] block = randomBytes(BULK_BLOCK);
        long nanosPerBlock = TimeUnit.SECONDS.toNanos(1) * (BULK_BLOCK / 1024) / Math.max(1, kibPerSecond);
        try (Socket s = open(address)) {
            long next = System.nanoTime();
            while (!stopping) {
                roundTrip(s, block);
                bulkBytes.addAndGet(BULK_BLOCK);
                next += nanosPerBlock;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (IOException e) {
            if (!stopping) {
                failedStreams.incrementAndGet();
                System.err.println("soak: a bulk stream failed: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void churnOne() {
        if (stopping) {
            return;
        }
        InetSocketAddress address = addresses.get((int) (churned.get() % addresses.size()));
        try (Socket s = open(address)) {
            roundTrip(s, randomBytes(16));
            churned.incrementAndGet();
        } catch (IOException e) {
            if (!stopping) {
                failedConnections.incrementAndGet();
                System.err.println("soak: a new connection failed: " + e.getMessage());
            }
        }
    }

    private static Socket open(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(TIMEOUT_MILLIS);
            s.connect(address, TIMEOUT_MILLIS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static void roundTrip(Socket s, byte[] message) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(message);
        byte[] reply = new byte[message.length];
        int got = 0;
        while (got < reply.length) {
            int n = in.read(reply, got, reply.length - got);
            if (n < 0) {
                throw new EOFException("the stream closed after " + got + " of " + reply.length + " echoed bytes");
            }
            got += n;
        }
        if (!Arrays.equals(message, reply)) {
            throw new IOException("the echo differs from what was sent");
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // The stream is already counted as failed; closing is best effort.
        }
    }

    /** Stops the traffic; a bulk stream that died before the stop is already counted. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        interactive.shutdown();
        interactive.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        bulk.shutdown();
        bulk.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        held.forEach(SoakTraffic::closeQuietly);
    }
}
