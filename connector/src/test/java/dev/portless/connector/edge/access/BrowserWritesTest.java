package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The flushes of an answer to the browser: one per turn of the connection's event loop, the last part at
 * once. A real loop, since an embedded channel runs its queued tasks at every write.
 */
class BrowserWritesTest {
    /** Counts the flushes that reach the connection; touched on its loop only. */
    private static final class FlushCount extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private final DefaultEventLoopGroup loop = new DefaultEventLoopGroup(1);
    private final FlushCount count = new FlushCount();
    private Channel server;
    private Channel browser;
    private BrowserWrites writes;

    @BeforeEach
    void connect() throws InterruptedException {
        LocalAddress address = new LocalAddress(BrowserWritesTest.class);
        server = new ServerBootstrap()
                .group(loop)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(address)
                .sync()
                .channel();
        browser = new Bootstrap()
                .group(loop)
                .channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        // The exchange writes from the dispatcher's place, behind the connection's codecs.
                        ch.pipeline().addLast(count, new ChannelInboundHandlerAdapter());
                    }
                })
                .connect(address)
                .sync()
                .channel();
        writes = new BrowserWrites(browser.pipeline().lastContext());
    }

    @AfterEach
    void close() {
        browser.close();
        server.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Runs {@code turn} as one task of the loop, then returns the flushes counted once the loop ran what it queued. */
    private int[] flushesDuringAndAfter(Callable<Integer> turn) throws Exception {
        int during = loop.submit(turn).get(10, TimeUnit.SECONDS);
        int after = loop.submit(() -> count.flushes).get(10, TimeUnit.SECONDS);
        return new int[] {during, after};
    }

    @Test
    void partsWrittenInOneTurnLeaveWithOneFlushAfterIt() throws Exception {
        int[] flushes = flushesDuringAndAfter(() -> {
            writes.write(browser.alloc().buffer().writeByte('h'));
            writes.write(browser.alloc().buffer().writeByte('b'));
            return count.flushes;
        });
        assertEquals(0, flushes[0], "flushes within the turn");
        assertEquals(1, flushes[1], "flushes once the turn is over");
    }

    @Test
    void theLastPartLeavesAtOnceWithThePartsBeforeItAndTheQueuedFlushFindsNothingLeft() throws Exception {
        int[] flushes = flushesDuringAndAfter(() -> {
            writes.write(browser.alloc().buffer().writeByte('h'));
            writes.writeLast(browser.alloc().buffer().writeByte('e'));
            return count.flushes;
        });
        assertEquals(1, flushes[0], "flushes within the turn");
        assertEquals(1, flushes[1], "flushes once the turn is over");
    }

    @Test
    void aPartWrittenInALaterTurnGetsAFlushOfItsOwn() throws Exception {
        flushesDuringAndAfter(() -> {
            writes.write(browser.alloc().buffer().writeByte('h'));
            return count.flushes;
        });
        int[] flushes = flushesDuringAndAfter(() -> {
            writes.write(browser.alloc().buffer().writeByte('b'));
            return count.flushes;
        });
        assertEquals(1, flushes[0], "flushes within the second turn");
        assertEquals(2, flushes[1], "flushes once the second turn is over");
    }
}
