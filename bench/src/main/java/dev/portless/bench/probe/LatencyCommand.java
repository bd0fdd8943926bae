package dev.portless.bench.probe;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench latency}: request/response latency of small messages on one connection,
 * one message in flight at a time. Prints {@code rtt_p50_us}, {@code rtt_p99_us}, {@code rtt_p999_us}.
 */
@Command(
        name = "latency",
        mixinStandardHelpOptions = true,
        description = "Round trips of SIZE-byte messages on one connection; p50/p99/p99.9 in microseconds.")
public final class LatencyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = "--size", defaultValue = "64", description = "message size in bytes (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--count", defaultValue = "20000", description = "measured round trips (default: ${DEFAULT-VALUE})")
    int count;

    @Option(
            names = "--warmup",
            defaultValue = "2000",
            description = "round trips before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws IOException {
        if (size < 1 || size > 1 << 20) {
            throw new IllegalArgumentException("--size: " + size + " (expected: 1..1048576)");
        }
        if (count < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "--count: " + count + ", --warmup: " + warmup + " (expected: count >= 1, warmup >= 0)");
        }
        byte[] message = new byte[size];
        byte[] reply = new byte[size];
        long[] nanos = new long[count];
        try (EchoConnection c = EchoConnection.open(target.address())) {
            for (int i = -warmup; i < count; i++) {
                // A different message each time, so a stale echo cannot pass for a fresh one.
                int k = Math.floorMod(i, size);
                message[k]++;
                long t0 = System.nanoTime();
                c.roundTrip(message, reply);
                long t = System.nanoTime() - t0;
                if (i >= 0) {
                    nanos[i] = t;
                }
            }
        }
        Percentiles p = Percentiles.of(nanos);
        Figures out = new Figures(spec.commandLine().getOut());
        out.print("rtt_p50_us", p.at(50) / 1e3);
        out.print("rtt_p99_us", p.at(99) / 1e3);
        out.print("rtt_p999_us", p.at(99.9) / 1e3);
        out.print("rtt_samples", p.count());
        out.flush();
        return 0;
    }
}
