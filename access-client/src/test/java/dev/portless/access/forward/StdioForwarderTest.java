package dev.portless.access.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamEnd;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StdioForwarder} on an in-memory channel: what reaches stdout never depends on a buffer the
 * event loop may go on using once it has handed the bytes over.
 */
@Timeout(20)
class StdioForwarderTest {
    private static final int SIZE = 64 * 1024;

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final CompletableFuture<Channel> edgeSide = new CompletableFuture<>();
    private Channel stream;

    @BeforeEach
    void connect() throws InterruptedException {
        LocalAddress address = new LocalAddress(StdioForwarderTest.class);
        new ServerBootstrap()
                .group(loop)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        // What the forwarder writes upstream (here only its end of stream) is not under test.
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                            }
                        });
                        edgeSide.complete(ch);
                    }
                })
                .bind(address)
                .sync();
        stream = new Bootstrap()
                .group(loop)
                .channel(LocalChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address)
                .sync()
                .channel();
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void stdoutGetsTheBytesAsReadEvenWhenTheLoopReusesTheirBufferRightAfter() throws Exception {
        // A slow stdout: the first write waits until the loop has reused the buffer.
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch reused = new CountDownLatch(1);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        OutputStream stdout = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                try {
                    reused.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.write(b, off, len);
            }
        };
        CompletableFuture<String> forwarded = CompletableFuture.supplyAsync(() -> {
            try {
                return new StdioForwarder(stream, new ByteArrayInputStream(new byte[0]), stdout).run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        // The edge side hands over a slice of a buffer it keeps, as an HTTP/2 decoder does with DATA
        // frames cut from its cumulation.
        byte[] sent = new byte[SIZE];
        Arrays.fill(sent, (byte) 'a');
        ByteBuf cumulation = Unpooled.buffer(2 * SIZE).writeBytes(sent);
        Channel edge = edgeSide.get(5, TimeUnit.SECONDS);
        edge.writeAndFlush(cumulation.retainedSlice(0, SIZE));
        assertTrue(writing.await(5, TimeUnit.SECONDS), "stdout was never written");

        // The loop may now reuse the memory; the bytes already read are the stdout thread's own.
        int references = edge.eventLoop()
                .submit(() -> {
                    int refCnt = cumulation.refCnt();
                    cumulation.setBytes(0, new byte[SIZE]);
                    cumulation.release();
                    return refCnt;
                })
                .get(5, TimeUnit.SECONDS);
        reused.countDown();
        edge.close();

        // Closed with no end of the stream first: an honest abort, not a clean end.
        assertEquals(StreamEnd.EDGE_LOST.sentence(), forwarded.get(10, TimeUnit.SECONDS));
        assertEquals(1, references, "the forwarder still held the loop's buffer while stdout wrote it");
        assertArrayEquals(sent, seen.toByteArray(), "stdout got bytes the loop wrote after handing them over");
    }
}
