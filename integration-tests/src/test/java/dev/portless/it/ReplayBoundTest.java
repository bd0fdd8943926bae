package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.access.limits.AccessLimits;
import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.FaultProxy;
import dev.portless.it.peers.StallingEchoServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A target that stops reading once the stream is open, and a cut of the connection to the edge on top: {@code access} keeps no more than
 * its replay buffer of the local program's bytes while the stream is detached, so what the program can write stops
 * growing (backpressure, not memory). The program tries to write 256 MiB.
 */
@Timeout(180)
// Mostly waiting: runs in the second lane, beside the other classes (junit-platform.properties).
@Execution(ExecutionMode.CONCURRENT)
class ReplayBoundTest {
    private static final String APP = "stalled.portless.test";
    private static final long ATTEMPT = 256L << 20;
    /** How long the written count must stand still to count as stopped. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aStalledTargetAndACutDoNotGrowWhatAccessHoldsPastItsReplayBuffer() throws Exception {
        try (StallingEchoServer target = StallingEchoServer.start(4);
                PortlessStack stack = PortlessStack.builder()
                        .app(APP, "tcp://127.0.0.1:" + target.port())
                        .build()
                        .start();
                FaultProxy proxy = FaultProxy.start(stack.edgePort())) {
            PortlessStack.AccessTcp access =
                    stack.accessTcp(APP, java.util.Map.of("PORTLESS_EDGE", "https://127.0.0.1:" + proxy.port()));
            try (Socket local = new Socket(InetAddress.getLoopbackAddress(), access.port())) {
                local.setSendBufferSize(64 << 10);
                local.setSoTimeout(60_000);
                // Once the echo is back, the stream is open end to end; the target reads nothing more.
                local.getOutputStream().write(new byte[] {'p', 'i', 'n', 'g'});
                assertEquals("ping", new String(local.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
                AtomicLong written = new AtomicLong();
                Thread writer = new Thread(() -> write(local, written), "replay-bound-writer");
                writer.setDaemon(true);
                writer.start();
                long beforeCut = awaitStill(written);
                proxy.stall();
                proxy.cutAll();
                stack.connector()
                        .awaitOutput(
                                Pattern.compile("app=" + Pattern.quote(APP) + " detached"), Duration.ofSeconds(60));
                long duringCut = awaitStill(written);
                long grown = duringCut - beforeCut;
                System.out.printf(
                        "replay bound: written before the cut %d bytes, during the cut +%d bytes (replay buffer %d)%n",
                        beforeCut, grown, AccessLimits.RESUME_REPLAY_BUFFER);
                assertTrue(
                        grown <= AccessLimits.RESUME_REPLAY_BUFFER + (1L << 20),
                        "access took " + grown + " bytes from the local program while detached (replay buffer: "
                                + AccessLimits.RESUME_REPLAY_BUFFER + ")");
                // Kernel buffers (loopback autotuning reaches tens of MiB), windows and both replay buffers, with
                // room to spare, are still far below what the program tried to write.
                assertTrue(
                        duringCut <= ATTEMPT / 4, "the local program wrote " + duringCut + " of " + ATTEMPT + " bytes");
                assertTrue(writer.isAlive(), "the writer must still be held back");
                proxy.resume();
            }
        }
    }

    private static void write(Socket socket, AtomicLong written) {
        byte[] chunk = new byte[16 << 10];
        try {
            OutputStream out = socket.getOutputStream();
            for (long left = ATTEMPT; left > 0; left -= chunk.length) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException closed) {
            // The test closes the socket at its end.
        }
    }

    /** Returns {@code written} once it has not changed for {@link #QUIET}. */
    private static long awaitStill(AtomicLong written) throws InterruptedException {
        long last = -1;
        long stillSince = System.nanoTime();
        while (true) {
            long now = written.get();
            if (now != last) {
                last = now;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > QUIET.toNanos()) {
                return now;
            }
            Thread.sleep(100);
        }
    }
}
