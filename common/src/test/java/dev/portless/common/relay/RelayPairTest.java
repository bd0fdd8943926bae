package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.CloseCodes;
import dev.portless.common.wire.StreamEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two {@link EmbeddedChannel}s stand for the two sides; with no adapter in their pipelines, the relay
 * sees {@code ByteBuf}s and {@link EndOfStream} directly, and what it writes stays readable outbound.
 */
class RelayPairTest {
    private final EmbeddedChannel client = newChannel();
    private final EmbeddedChannel target = newChannel();

    @Test
    void copiesBytesBothWays() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");

        client.writeInbound(ascii("ping"));
        target.writeInbound(ascii("pong!"));

        assertEquals(List.of("ping"), drainText(target));
        assertEquals(List.of("pong!"), drainText(client));
        assertFalse(pair.done().isDone());
        finish(pair);
    }

    @Test
    void endsAsCompletedOnceBothSidesSentEndOfStream() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");
        client.writeInbound(ascii("request"));
        client.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);

        assertEquals(List.of("request", "EndOfStream"), drainText(target), "half-close is passed on");
        assertTrue(client.isOpen() && target.isOpen(), "the other direction is still open");

        target.writeInbound(ascii("response!"));
        target.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        runTasks();

        assertEquals(List.of("response!", "EndOfStream"), drainText(client));
        assertFalse(client.isOpen());
        assertFalse(target.isOpen());
        RelayPair.RelayResult result = pair.done().getNow(null);
        assertEquals("completed", result.endReason());
        assertEquals(7, result.bytesFromFirst());
        assertEquals(9, result.bytesFromSecond());
    }

    @Test
    void closesTheOtherSideWithAnAbortWhenOneSideCloses() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");
        client.writeInbound(ascii("abc"));

        client.close();
        runTasks();

        assertEquals(
                List.of("abc", "StreamAbort[closeCode=4009, reason=the stream failed: client closed the stream]"),
                drainText(target));
        assertFalse(target.isOpen());
        RelayPair.RelayResult result = pair.done().getNow(null);
        assertEquals("the stream failed: client closed the stream", result.endReason());
        assertFalse(result.completed());
        assertEquals(3, result.bytesFromFirst());
        assertEquals(0, result.bytesFromSecond());
    }

    @Test
    void namesTheSecondSideWhenItCloses() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");

        target.close();
        runTasks();

        assertEquals(
                List.of("StreamAbort[closeCode=4009, reason=the stream failed: target closed the stream]"),
                drainText(client));
        assertFalse(client.isOpen());
        assertEquals(
                "the stream failed: target closed the stream",
                pair.done().getNow(null).endReason());
    }

    @Test
    void endsWithTheSidesOwnEndWhenItGoesAway() {
        RelayPair pair = RelayPair.join(
                RelayPair.Side.of(client, "client"),
                new RelayPair.Side(target, "connector", () -> StreamAbort.of(StreamEnd.CONNECTOR_LOST, "office")));

        target.close();
        runTasks();

        assertEquals(
                List.of(
                        "StreamAbort[closeCode=4001, reason=the connector for tunnel office went away during the stream]"),
                drainText(client));
        RelayPair.RelayResult result = pair.done().getNow(null);
        assertEquals("the connector for tunnel office went away during the stream", result.endReason());
        assertEquals(CloseCodes.CONNECTOR_LOST, result.closeCode());
        assertFalse(result.completed());
    }

    @Test
    void takesANetworkErrorForTheSideGoingAway() {
        RelayPair pair = RelayPair.join(
                RelayPair.Side.of(client, "edge"),
                new RelayPair.Side(target, "target", () -> StreamAbort.of(StreamEnd.TARGET_RESET)));

        target.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        runTasks();

        assertEquals(List.of("StreamAbort[closeCode=4000, reason=the target reset the connection]"), drainText(client));
        assertEquals("the target reset the connection", pair.done().getNow(null).endReason());
    }

    @Test
    void passesAPeerAbortOnAndNamesItInTheReason() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");

        client.pipeline().fireUserEventTriggered(new StreamAbort(CloseCodes.DRAINING, "laptop asleep"));
        runTasks();

        assertEquals(List.of("StreamAbort[closeCode=4002, reason=laptop asleep]"), drainText(target));
        assertFalse(client.isOpen());
        assertFalse(target.isOpen());
        assertEquals("laptop asleep", pair.done().getNow(null).endReason());
    }

    @Test
    void abortEndsBothSidesWithTheGivenCode() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");

        pair.abort(new StreamAbort(CloseCodes.DRAINING, "connector draining"));
        runTasks();

        StreamAbort expected = new StreamAbort(CloseCodes.DRAINING, "connector draining");
        assertEquals(List.of(expected.toString()), drainText(client));
        assertEquals(List.of(expected.toString()), drainText(target));
        assertEquals("connector draining", pair.done().getNow(null).endReason());
    }

    @Test
    void namesAFailureInTheReason() {
        RelayPair pair = RelayPair.join(client, "client", target, "target");

        target.pipeline().fireExceptionCaught(new IllegalStateException("codec broke"));
        runTasks();

        assertEquals(
                List.of("StreamAbort[closeCode=4009, reason=the stream failed: target: codec broke]"),
                drainText(client));
        assertEquals(
                "the stream failed: target: codec broke",
                pair.done().getNow(null).endReason());
    }

    @Test
    void readsAgainOnlyWhileThePeerIsWritable() {
        FlushGate gate = new FlushGate();
        target.pipeline().addFirst(gate);
        target.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4, 8));
        RelayPair.join(client, "client", target, "target");
        ReadCounter reads = new ReadCounter();
        client.pipeline().addFirst(reads);

        client.writeInbound(ascii("0123456789"));

        assertFalse(target.isWritable(), "10 bytes wait above the high water mark of 8");
        assertEquals(0, reads.count, "no read() while the target cannot take more");

        gate.open = true;
        target.flush();
        target.runPendingTasks();

        assertTrue(target.isWritable());
        assertEquals(1, reads.count, "the target's relay asks the client to read once it drained");
        assertEquals(List.of("0123456789"), drainText(target));
        client.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    private void finish(RelayPair pair) {
        client.close();
        runTasks();
        assertTrue(pair.done().isDone());
        client.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    private void runTasks() {
        for (int i = 0; i < 3; i++) {
            client.runPendingTasks();
            target.runPendingTasks();
        }
    }

    private static EmbeddedChannel newChannel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setOption(ChannelOption.AUTO_READ, false);
        return channel;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Returns what was written to {@code channel}: text for bytes (empty flush markers skipped), else toString. */
    private static List<String> drainText(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            if (msg instanceof ByteBuf buf) {
                if (buf.isReadable()) {
                    out.add(buf.toString(StandardCharsets.US_ASCII));
                }
                buf.release();
            } else {
                out.add(msg.toString());
            }
        }
        return out;
    }

    /** Counts read() calls that reach the transport. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    /** Holds flushes back while closed, so written bytes stay pending as on a slow socket. */
    static final class FlushGate extends ChannelOutboundHandlerAdapter {
        boolean open;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (open) {
                ctx.flush();
            }
        }
    }
}
