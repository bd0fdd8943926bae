package dev.portless.bench.probe;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Returns {@code bench rate}: new connections per second sustained by a few parallel workers, each
 * connecting, echoing one byte and closing in a loop. Connections completed during the warm-up are
 * not counted. Prints {@code rate_conns_per_s}; fails if any connection fails.
 */
@Command(
        name = "rate",
        mixinStandardHelpOptions = true,
        description = "Sustained new connections per second (connect, echo 1 byte, close) from parallel workers.")
public final class RateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = "--workers", defaultValue = "4", description = "parallel workers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--seconds", defaultValue = "5", description = "measured seconds (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "1",
            description = "seconds before measuring (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (workers < 1 || workers > 256 || seconds <= 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--workers: " + workers + ", --seconds: " + seconds
                    + " (expected: 1..256 workers, seconds > 0, warm-up >= 0)");
        }
        InetSocketAddress address = target.address();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long measureTo = measureFrom + (long) (seconds * 1e9);
        AtomicLong completed = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            long now;
                            while ((now = System.nanoTime()) < measureTo && failure.get() == null) {
                                SetupCommand.connectAndEcho(address, (byte) now);
                                if (now >= measureFrom && System.nanoTime() <= measureTo) {
                                    completed.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    "rate-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "a connection failed after " + completed.get() + " completed: " + failure.get(), failure.get());
        }
        Figures out = new Figures(spec.commandLine().getOut());
        out.print("rate_conns_per_s", completed.get() / seconds);
        out.print("rate_connections", completed.get());
        out.flush();
        return 0;
    }
}
