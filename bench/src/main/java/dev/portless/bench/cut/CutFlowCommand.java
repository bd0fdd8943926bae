package dev.portless.bench.cut;

import dev.portless.bench.probe.EchoConnection;
import dev.portless.bench.probe.Figures;
import dev.portless.bench.probe.Percentiles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench cut-flow}: how long a resumable stream stops after its connection to the edge is
 * cut. It runs a relay between {@code access tcp} and the edge, echoes small messages one at a time
 * through {@code access tcp}, cuts the relay's connections (reset) every so often, and times each cut
 * to the first echo of a message sent after it: one echo round trip is included. Prints
 * {@code cut_flow_p50_ms}, {@code cut_flow_p90_ms}, {@code cut_flow_max_ms} and {@code cut_flow_cuts}.
 */
@Command(
        name = "cut-flow",
        mixinStandardHelpOptions = true,
        description = "Time from a cut of access's edge connection to echoed bytes flowing again, through a relay"
                + " this command runs; start access tcp with --edge pointing at the relay once it says so.")
public final class CutFlowCommand implements Callable<Integer> {
    private static final int MESSAGE = 64;
    private static final long ACCESS_WAIT_NANOS = 120_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--relay-port", required = true, description = "port the relay listens on (127.0.0.1)")
    int relayPort;

    @Option(names = "--edge-port", required = true, description = "port of the edge's client listener (127.0.0.1)")
    int edgePort;

    @Option(names = "--access-port", required = true, description = "port of access tcp's listener for an echo app")
    int accessPort;

    @Option(names = "--cuts", defaultValue = "10", description = "cuts to make (default: ${DEFAULT-VALUE})")
    int cuts;

    @Option(
            names = "--flow-millis",
            defaultValue = "500",
            description = "average time of echoes between cuts (default: ${DEFAULT-VALUE})")
    int flowMillis;

    @Override
    public Integer call() throws Exception {
        if (cuts < 1 || flowMillis < 1) {
            throw new IllegalArgumentException(
                    "--cuts: " + cuts + ", --flow-millis: " + flowMillis + " (expected: both >= 1)");
        }
        Figures out = new Figures(spec.commandLine().getOut());
        try (CutRelay relay = CutRelay.start(
                new InetSocketAddress("127.0.0.1", relayPort), new InetSocketAddress("127.0.0.1", edgePort))) {
            spec.commandLine().getErr().println("cut-flow: relay listening on 127.0.0.1:" + relayPort);
            spec.commandLine().getErr().flush();
            InetSocketAddress access = new InetSocketAddress("127.0.0.1", accessPort);
            awaitListening(access);
            long[] gaps = new long[cuts];
            try (EchoConnection c = EchoConnection.open(access)) {
                byte[] message = new byte[MESSAGE];
                byte[] reply = new byte[MESSAGE];
                int connectionsBefore = relay.accepted();
                for (int i = 0; i < cuts; i++) {
                    echoFor(
                            c,
                            message,
                            reply,
                            flowMillis / 2 + ThreadLocalRandom.current().nextInt(flowMillis));
                    long cutAt = System.nanoTime();
                    relay.cutAll();
                    // The message sent now cannot pass before the stream has resumed on a new connection.
                    next(message);
                    c.roundTrip(message, reply);
                    gaps[i] = System.nanoTime() - cutAt;
                }
                echoFor(c, message, reply, flowMillis);
                if (relay.accepted() - connectionsBefore < cuts) {
                    throw new IllegalStateException("access made " + (relay.accepted() - connectionsBefore)
                            + " connections to the relay for " + cuts + " cuts; the cuts did not reach the stream");
                }
            }
            Percentiles p = Percentiles.of(gaps);
            out.print("cut_flow_p50_ms", p.at(50) / 1e6);
            out.print("cut_flow_p90_ms", p.at(90) / 1e6);
            out.print("cut_flow_max_ms", p.at(100) / 1e6);
            out.print("cut_flow_cuts", p.count());
            out.flush();
        }
        return 0;
    }

    private static void echoFor(EchoConnection c, byte[] message, byte[] reply, long millis) throws IOException {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until) {
            next(message);
            c.roundTrip(message, reply);
        }
    }

    /** Changes the message, so that a stale echo cannot pass for a fresh one. */
    private static void next(byte[] message) {
        for (int k = 0; k < message.length; k++) {
            if (++message[k] != 0) {
                return;
            }
        }
    }

    /** Waits until {@code access tcp} listens: it is started after the relay. */
    private static void awaitListening(InetSocketAddress access) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + ACCESS_WAIT_NANOS;
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(access, 1000);
                return;
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("access tcp did not listen on " + access + " within 120 s", e);
                }
                Thread.sleep(100);
            }
        }
    }
}
