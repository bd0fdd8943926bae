package dev.portless.bench.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench setup}: the time from a new local connection to its first echoed byte, one
 * connection after another. For Portless that covers the CLI's TLS handshake with the edge, the
 * WebSocket upgrade, the HTTP/2 stream to the connector and its dial to the target. Prints
 * {@code setup_p50_ms} and {@code setup_p99_ms}.
 */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        description = "Connect, write 1 byte, read it back, close; p50/p99 of connect-to-echo in milliseconds.")
public final class SetupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = "--count", defaultValue = "1000", description = "measured connections (default: ${DEFAULT-VALUE})")
    int count;

    @Option(
            names = "--warmup",
            defaultValue = "100",
            description = "connections before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "--count: " + count + ", --warmup: " + warmup + " (expected: count >= 1, warmup >= 0)");
        }
        InetSocketAddress address = target.address();
        long[] nanos = new long[count];
        for (int i = -warmup; i < count; i++) {
            long t = connectAndEcho(address, (byte) i);
            if (i >= 0) {
                nanos[i] = t;
            }
        }
        Percentiles p = Percentiles.of(nanos);
        Figures out = new Figures(spec.commandLine().getOut());
        out.print("setup_p50_ms", p.at(50) / 1e6);
        out.print("setup_p99_ms", p.at(99) / 1e6);
        out.print("setup_samples", p.count());
        out.flush();
        return 0;
    }

    /** Returns the nanoseconds from connect to the echoed byte of one new connection. */
    static long connectAndEcho(InetSocketAddress address, byte b) throws IOException {
        byte[] message = {b};
        byte[] reply = new byte[1];
        long t0 = System.nanoTime();
        try (EchoConnection c = EchoConnection.open(address)) {
            c.roundTrip(message, reply);
            return System.nanoTime() - t0;
        }
    }
}
