package dev.portless.bench.soak;

import dev.portless.bench.memory.EchoForwardOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench soak}: holds mixed traffic through forwards to the echo service for a while, samples
 * the forwarding processes every interval into a TSV, and judges the run: it fails when any stream
 * failed or when heap after GC or open descriptors of a process keep rising.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = "Hold mixed traffic for a while, sample fds/RSS/threads/heap of --pids, fail on leaks.")
public final class SoakCommand implements Callable<Integer> {
    /** A rise of heap after GC or descriptors at or above this, over the fitted span, fails the soak. */
    static final double LEAK_PERCENT = 1.0;
    // Below these absolute rises a short soak sees noise, not a leak: a few connections opened
    // between two samples, and buffers of the bulk streams in flight when the GC runs.
    private static final Map<String, Long> NOISE_FLOOR = Map.of("fds", 2L, "heap_after_gc", 1024L);

    @Spec
    CommandSpec spec;

    @Mixin
    EchoForwardOptions forwards;

    @Option(
            names = "--pids",
            required = true,
            split = ",",
            paramLabel = "NAME=PID",
            description = "processes to sample, by role: edge=123,connector=456")
    Map<String, Long> pids;

    @Option(
            names = "--streams",
            defaultValue = "1000",
            description = "held interactive streams (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--minutes", defaultValue = "30", description = "how long to hold them (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(
            names = "--sample-seconds",
            defaultValue = "30",
            description = "between samples (default: ${DEFAULT-VALUE})")
    double sampleSeconds;

    @Option(
            names = "--echo-seconds",
            defaultValue = "5",
            description = "between echoes on a held stream (default: ${DEFAULT-VALUE})")
    double echoSeconds;

    @Option(names = "--bulk", defaultValue = "4", description = "bulk streams (default: ${DEFAULT-VALUE})")
    int bulkStreams;

    @Option(
            names = "--bulk-kib-per-second",
            defaultValue = "2048",
            description = "cap of each bulk stream (default: ${DEFAULT-VALUE})")
    int bulkKibPerSecond;

    @Option(
            names = "--new-per-second",
            defaultValue = "5",
            description = "short connections per second (default: ${DEFAULT-VALUE})")
    int newPerSecond;

    @Option(names = "--tsv", required = true, description = "where the samples go")
    Path tsv;

    @Override
    public Integer call() throws Exception {
        if (streams < 1 || minutes <= 0 || sampleSeconds <= 0 || bulkStreams < 0 || newPerSecond < 0) {
            throw new IllegalArgumentException("--streams must be >= 1, --minutes and --sample-seconds > 0, "
                    + "--bulk and --new-per-second >= 0; fix the command line");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<InetSocketAddress> addresses = forwards.addresses();
        List<SoakSample> samples = new ArrayList<>();
        SoakTraffic traffic = new SoakTraffic(addresses);
        try (Writer file = Files.newBufferedWriter(tsv, StandardCharsets.UTF_8)) {
            traffic.holdInteractive(streams, echoSeconds);
            traffic.runBulk(bulkStreams, bulkKibPerSecond);
            traffic.churn(newPerSecond);
            log(streams + " streams open, " + bulkStreams + " bulk, " + newPerSecond + " new a second");
            file.write(SoakSample.TSV_HEADER + "\n");
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            for (long next = start; next <= end; next += (long) (sampleSeconds * 1e9)) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                for (Map.Entry<String, Long> p : pids.entrySet()) {
                    SoakSample s = SoakSample.take(seconds, p.getKey(), p.getValue());
                    samples.add(s);
                    file.write(s.tsv() + "\n");
                }
                file.flush();
                log(String.format(
                        Locale.ROOT,
                        "sample at %.0f s: %d echoes, %d failed so far",
                        seconds,
                        traffic.echoes.get(),
                        failures(traffic)));
            }
        } catch (IOException e) {
            throw new IOException("the soak could not open its streams or write " + tsv + ": " + e.getMessage(), e);
        } finally {
            traffic.close();
        }
        return verdict(out, traffic, samples);
    }

    private int verdict(PrintWriter out, SoakTraffic traffic, List<SoakSample> samples) {
        out.println("soak_streams " + streams);
        out.println("soak_echoes " + traffic.echoes.get());
        out.println("soak_bulk_mib " + traffic.bulkBytes.get() / (1024 * 1024));
        out.println("soak_new_connections " + traffic.churned.get());
        out.println("soak_failed_streams " + traffic.failedStreams.get());
        out.println("soak_failed_connections " + traffic.failedConnections.get());
        boolean leak = false;
        for (String name : pids.keySet()) {
            List<SoakSample> mine =
                    samples.stream().filter(s -> s.name().equals(name)).toList();
            Map<String, ToLongFunction<SoakSample>> series = new LinkedHashMap<>();
            series.put("fds", SoakSample::fds);
            series.put("heap_after_gc", SoakSample::heapKib);
            series.put("rss", SoakSample::rssKib);
            series.put("threads", SoakSample::threads);
            for (Map.Entry<String, ToLongFunction<SoakSample>> e : series.entrySet()) {
                if (e.getKey().equals("heap_after_gc") && mine.stream().anyMatch(s -> s.heapKib() < 0)) {
                    continue;
                }
                Trend t = Trend.of(
                        mine.stream().map(SoakSample::seconds).toList(),
                        mine.stream()
                                .map(s -> (double) e.getValue().applyAsLong(s))
                                .toList());
                boolean judged = e.getKey().equals("fds") || e.getKey().equals("heap_after_gc");
                boolean rising = judged && t.risePercent() >= LEAK_PERCENT && t.rise() > NOISE_FLOOR.get(e.getKey());
                leak |= rising;
                out.println(String.format(
                        Locale.ROOT,
                        "soak_rise_%s_%s_percent %.2f%s",
                        name,
                        e.getKey(),
                        t.risePercent(),
                        rising ? " LEAK" : ""));
            }
        }
        out.flush();
        return failures(traffic) > 0 || leak ? 1 : 0;
    }

    private static long failures(SoakTraffic traffic) {
        return traffic.failedStreams.get() + traffic.failedConnections.get();
    }

    private static void log(String line) {
        System.err.printf("[soak %tT] %s%n", System.currentTimeMillis(), line);
    }
}
