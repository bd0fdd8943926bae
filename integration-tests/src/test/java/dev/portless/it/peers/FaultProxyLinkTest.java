package dev.portless.it.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link FaultProxy} with a {@link Link} on real loopback sockets. Only what a slow machine cannot
 * break is asserted: bytes come whole and in order and never sooner than the link allows, and a
 * receiver that stops reading holds the sender back at the bound. How fast is for LongDistanceTest.
 */
@Timeout(120)
class FaultProxyLinkTest {
    private static final int BUFFER = 64 << 10;
    private static final int WRITE = 16 << 10;

    @Test
    void bytesComeBackWholeInOrderAndNoSoonerThanTheLinkAllows() throws Exception {
        // 20 MB/s and 20 ms each way: 4 MiB each way need at least 210 ms on the line.
        Link link = Link.of(20_000_000, Duration.ofMillis(20));
        int bytes = 4 << 20;
        try (EchoServer echo = EchoServer.start();
                FaultProxy proxy = FaultProxy.start(echo.port(), link);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();

            long start = System.nanoTime();
            out.write(7);
            assertEquals(7, in.read());
            long roundTrip = System.nanoTime() - start;
            assertTrue(roundTrip >= 2 * link.oneWayNanos(), "one byte went there and back in " + roundTrip + " ns");

            long bulkStart = System.nanoTime();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    byte[] chunk = new byte[WRITE];
                    for (int offset = 0; offset < bytes; offset += WRITE) {
                        for (int i = 0; i < WRITE; i++) {
                            chunk[i] = pattern(offset + i);
                        }
                        out.write(chunk);
                    }
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] buffer = new byte[BUFFER];
            long received = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != pattern(received + i)) {
                        throw new AssertionError("byte " + (received + i) + " came back changed or out of order");
                    }
                }
                received += n;
            }
            long elapsed = System.nanoTime() - bulkStart;
            sent.get(10, TimeUnit.SECONDS);
            assertEquals(bytes, received, "bytes echoed before the echo's end of stream came through the link");
            long floor = link.nanosToSend(bytes) + 2 * link.oneWayNanos();
            assertTrue(elapsed >= floor, bytes + " bytes went there and back in " + elapsed + " ns, under " + floor);
        }
    }

    @Test
    void aReceiverThatStopsReadingHoldsTheSenderBackAtTheBound() throws Exception {
        try (Stuck stuck = Stuck.start()) {
            long written = stuck.waitUntilHeldBack();
            // What the sender got rid of: what the link may hold plus the four sockets' kernel buffers.
            long bound = stuck.link.heldBound() + stuck.socketBuffers();
            assertTrue(
                    written <= bound, "the sender wrote " + written + " bytes into a path that holds at most " + bound);
            assertFalse(stuck.sent.isDone(), "the sender finished although nobody read");
        }
    }

    @Test
    void aCutWhileTheQueueIsFullEndsBothSidesAndTheLinksThreads() throws Exception {
        try (Stuck stuck = Stuck.start()) {
            stuck.waitUntilHeldBack();
            stuck.proxy.cutAll();

            ExecutionException senderEnd =
                    assertThrows(ExecutionException.class, () -> stuck.sent.get(10, TimeUnit.SECONDS));
            assertTrue(senderEnd.getCause() instanceof UncheckedIOException, "the sender saw " + senderEnd.getCause());
            stuck.receiver.setSoTimeout(10_000);
            InputStream in = stuck.receiver.getInputStream();
            byte[] buffer = new byte[BUFFER];
            try {
                while (in.read(buffer) >= 0) {
                    // What was buffered before the cut; the end follows it.
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the receiver never saw the cut", e);
            } catch (IOException reset) {
                // A reset: that is a cut.
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (stuck.proxy.runningLinkDirections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, stuck.proxy.runningLinkDirections(), "link threads still running after the cut");
        }
    }

    /** A sender that writes far more than the path holds to a receiver that never reads. */
    private static final class Stuck implements AutoCloseable {
        // 4 MB/s and 5 ms each way: 20 kB on the line, a queue of 16 KiB.
        final Link link = Link.of(4_000_000, Duration.ofMillis(5)).withSocketBuffers(BUFFER);
        final ServerSocket server;
        final FaultProxy proxy;
        final Socket sender;
        final Socket receiver;
        final AtomicLong written = new AtomicLong();
        final CompletableFuture<Void> sent;

        private Stuck() throws IOException {
            server = new ServerSocket();
            server.setReceiveBufferSize(BUFFER);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            proxy = FaultProxy.start(server.getLocalPort(), link);
            sender = new Socket();
            sender.setSendBufferSize(BUFFER);
            sender.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 10_000);
            server.setSoTimeout(10_000);
            receiver = server.accept();
            sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = sender.getOutputStream();
                    byte[] chunk = new byte[WRITE];
                    for (int i = 0; i < 4096; i++) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        static Stuck start() throws IOException {
            return new Stuck();
        }

        /** Returns the bytes written once a second has passed without one more. */
        long waitUntilHeldBack() throws InterruptedException {
            long last = -1;
            while (written.get() != last) {
                last = written.get();
                Thread.sleep(1000);
            }
            return last;
        }

        /**
         * Returns what the kernel buffers between the sender and the receiver may hold: the sender's send
         * buffer, the proxy's receive buffer toward it and send buffer toward the receiver, the receiver's
         * receive buffer. Linux doubles each size asked for (Java reports the ask), and a write may take
         * one more loopback segment (64 KiB) than the send buffer's room.
         */
        long socketBuffers() throws IOException {
            long asked =
                    (long) sender.getSendBufferSize() + 2L * link.socketBufferBytes() + receiver.getReceiveBufferSize();
            return 2 * asked + (64 << 10);
        }

        @Override
        public void close() throws IOException {
            proxy.close();
            sender.close();
            receiver.close();
            server.close();
        }
    }

    private static byte pattern(long index) {
        return (byte) (index * 31 + (index >>> 16));
    }
}
