package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100 MiB download and upload through the connector's web proxy to nginx, arriving whole while Netty's buffers
 * stay bounded.
 */
class BulkBodyNginxTest {
    private static final long BIG = 100L << 20;

    @RegisterExtension
    static final NginxOrigins origins = new NginxOrigins();

    @Test
    void aHundredMebibytesDownAndUpStreamWithBoundedMemory() throws Exception {
        WebTunnel.Body file = new WebTunnel.Body(BIG);
        Files.createDirectories(origins.dir.resolve("www"));
        try (OutputStream out = Files.newOutputStream(origins.dir.resolve("www/big.bin"))) {
            while (!file.done()) {
                out.write(io.netty.buffer.ByteBufUtil.getBytes(file.next(1 << 20)));
            }
        }
        byte[] fileSha = file.digest();
        MemoryWatch watch = MemoryWatch.start();

        WebTunnel.Exchange down = origins.tunnel.send(
                WebTunnel.request("GET", "plain.example.com", "/big.bin", TunnelProtocol.KIND_HTTP), null, false);
        down.await();
        assertEquals("200", down.headers.get().status().toString());
        assertEquals(BIG, down.received.get());
        assertArrayEquals(fileSha, down.digest(), "the download's SHA-256 equals the file's");

        WebTunnel.Body upload = new WebTunnel.Body(BIG);
        WebTunnel.Exchange up = origins.tunnel.send(
                WebTunnel.request("PUT", "plain.example.com", "/upload/up.bin", TunnelProtocol.KIND_HTTP),
                upload,
                false);
        up.await();
        assertEquals("201", up.headers.get().status().toString());
        assertArrayEquals(
                upload.digest(), sha256(origins.dir.resolve("www/upload/up.bin")), "the upload arrived whole");

        watch.stop();
        System.out.printf(
                "web proxy, 100 MiB down and up: peak direct memory %d KiB, peak heap %d MiB%n",
                watch.peakDirect.get() >> 10, watch.peakHeap.get() >> 20);
        assertTrue(
                watch.peakDirect.get() < 48L << 20,
                "Netty's buffers stayed below 48 MiB: " + (watch.peakDirect.get() >> 20) + " MiB");
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest sha = WebTunnel.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return sha.digest();
    }

    /** Samples Netty's buffer memory and the heap every 10 ms. */
    private static final class MemoryWatch {
        final AtomicLong peakDirect = new AtomicLong();
        final AtomicLong peakHeap = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        static MemoryWatch start() {
            MemoryWatch w = new MemoryWatch();
            w.thread = new Thread(() -> {
                while (w.running.get()) {
                    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
                        long used = p.metric().usedDirectMemory() + p.metric().usedHeapMemory();
                        w.peakDirect.accumulateAndGet(used, Math::max);
                    }
                    long heap = ManagementFactory.getMemoryMXBean()
                            .getHeapMemoryUsage()
                            .getUsed();
                    w.peakHeap.accumulateAndGet(heap, Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            w.thread.setDaemon(true);
            w.thread.start();
            return w;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
