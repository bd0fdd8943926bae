package dev.portless.bench.memory;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench idle}: opens N connections through a forward to the echo service, proves
 * each one carries a byte end to end, holds them all open and idle, and reports how much the
 * forwarding processes grew per stream: {@code idle_rss_kib_per_stream} and, for JVMs,
 * {@code idle_heap_kib_per_stream} (live heap after a full GC).
 */
@Command(
        name = "idle",
        mixinStandardHelpOptions = true,
        description = "Hold N idle streams open through a forward; print RSS and heap growth per stream of --pids.")
public final class IdleStreamsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EchoForwardOptions forwards;

    @Option(
            names = "--streams",
            defaultValue = "10000",
            description = "idle streams to hold (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(
            names = "--pids",
            required = true,
            split = ",",
            paramLabel = "PID",
            description = "processes whose growth is measured (edge,connector or ssh,sshd...)")
    List<Long> pids;

    @Option(
            names = "--parallel",
            defaultValue = "8",
            description = "connections opened at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(
            names = "--settle-seconds",
            defaultValue = "2",
            description = "wait after opening, before sampling (default: ${DEFAULT-VALUE})")
    double settleSeconds;

    @Option(
            names = "--warmup-streams",
            defaultValue = "200",
            description =
                    "streams opened and closed before the first sample, so first-use costs (classes, "
                            + "compiled code, buffer pools) are not charged to the measured streams (default: ${DEFAULT-VALUE})")
    int warmupStreams;

    @Override
    public Integer call() throws Exception {
        if (streams < 1 || parallel < 1) {
            throw new IllegalArgumentException(
                    "--streams: " + streams + ", --parallel: " + parallel + " (expected: both >= 1)");
        }
        List<InetSocketAddress> addresses = forwards.addresses();
        warmUp(addresses);
        MemorySample before = MemorySample.of(pids);
        List<SocketChannel> open = Collections.synchronizedList(new ArrayList<>(streams));
        long t0 = System.nanoTime();
        try {
            openAll(addresses, open);
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep((long) (settleSeconds * 1000));
            MemorySample after = MemorySample.of(pids);
            stillOpen(open);
            print(before, after, openSeconds);
            return 0;
        } finally {
            for (SocketChannel s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Closing is best effort: the process exits next.
                }
            }
        }
    }

    private void warmUp(List<InetSocketAddress> addresses) throws Exception {
        if (warmupStreams <= 0) {
            return;
        }
        List<SocketChannel> warm = Collections.synchronizedList(new ArrayList<>(warmupStreams));
        try {
            openAll(addresses, warm, warmupStreams);
        } finally {
            for (SocketChannel s : warm) {
                s.close();
            }
        }
        Thread.sleep((long) (settleSeconds * 1000));
    }

    private void openAll(List<InetSocketAddress> addresses, List<SocketChannel> open) throws Exception {
        openAll(addresses, open, streams);
    }

    private void openAll(List<InetSocketAddress> addresses, List<SocketChannel> open, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < parallel; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (int i = worker; i < count; i += parallel) {
                        open.add(openOne(addresses.get(i % addresses.size()), (byte) i));
                    }
                    return null;
                }));
            }
            // Blocking channels have no read timeout: a path that stops answering fails here instead.
            long deadline =
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(60) + TimeUnit.MILLISECONDS.toNanos(20L * count);
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException(
                            "could not open stream " + (open.size() + 1) + " of " + count + ": " + e.getCause(),
                            e.getCause());
                } catch (TimeoutException e) {
                    throw new IOException(
                            "the forward stopped answering after " + open.size() + " of " + count + " streams");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static SocketChannel openOne(InetSocketAddress address, byte b) throws IOException {
        SocketChannel s = SocketChannel.open();
        try {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            s.connect(address);
            s.write(ByteBuffer.wrap(new byte[] {b}));
            ByteBuffer reply = ByteBuffer.allocate(1);
            if (s.read(reply) != 1 || reply.get(0) != b) {
                throw new IOException("a new stream did not echo its first byte");
            }
            s.configureBlocking(false);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Fails if the forward dropped any held stream while it sat idle. */
    private static void stillOpen(List<SocketChannel> open) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (SocketChannel s : open) {
            one.clear();
            int n = s.read(one);
            if (n != 0) {
                throw new IOException(
                        n < 0
                                ? "an idle stream was closed by the forward"
                                : "an idle stream received an unexpected byte");
            }
        }
    }

    private void print(MemorySample before, MemorySample after, double openSeconds) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("idle_streams " + streams);
        out.println(String.format(Locale.ROOT, "idle_open_seconds %.3f", openSeconds));
        out.println("idle_rss_before_kib " + before.rssKib());
        out.println("idle_rss_after_kib " + after.rssKib());
        out.println(String.format(
                Locale.ROOT, "idle_rss_kib_per_stream %.3f", (after.rssKib() - before.rssKib()) / (double) streams));
        if (after.anyJvm()) {
            out.println("idle_heap_before_kib " + before.heapKib());
            out.println("idle_heap_after_kib " + after.heapKib());
            out.println(String.format(
                    Locale.ROOT,
                    "idle_heap_kib_per_stream %.3f",
                    (after.heapKib() - before.heapKib()) / (double) streams));
        }
        for (int i = 0; i < after.processes().size(); i++) {
            ProcessMemory b = before.processes().get(i);
            ProcessMemory a = after.processes().get(i);
            out.println("idle_pid_" + a.pid() + "_rss_delta_kib " + (a.rssKib() - b.rssKib()));
        }
        out.flush();
    }
}
