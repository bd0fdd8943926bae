package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundHoldTest {

    @Test
    void holdsMessagesAndEventsUntilReleasedThenReplaysThemInOrder() {
        InboundHold hold = new InboundHold();
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(hold, recorder);
        ByteBuf first = ascii("one");
        ByteBuf second = ascii("two");

        channel.writeInbound(first);
        channel.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        channel.writeInbound(second);

        assertTrue(recorder.seen.isEmpty(), "nothing passes before the relay is there");
        assertEquals(0, recorder.readCompletes, "read-complete is not passed on while holding");

        hold.release();

        assertEquals(List.of("read:one", "event:EndOfStream", "read:two"), recorder.seen);
        assertEquals(1, recorder.readCompletes, "one read-complete after the replay, so the relay flushes");
        assertNull(channel.pipeline().get(InboundHold.class), "the hold leaves the pipeline");
        assertEquals(1, first.refCnt(), "replayed buffers belong to the next handler now");
        first.release();
        second.release();
    }

    @Test
    void releasesWithoutReadCompleteWhenNothingWasHeld() {
        InboundHold hold = new InboundHold();
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(hold, recorder);

        hold.release();

        assertTrue(recorder.seen.isEmpty());
        assertEquals(0, recorder.readCompletes);
        assertNull(channel.pipeline().get(InboundHold.class));
    }

    @Test
    void releasesHeldBuffersWhenRemovedWithoutReplay() {
        InboundHold hold = new InboundHold();
        EmbeddedChannel channel = new EmbeddedChannel(hold);
        ByteBuf first = ascii("one");
        ByteBuf second = ascii("two");
        channel.writeInbound(first, second);

        channel.pipeline().remove(hold);

        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
    }

    @Test
    void releasesHeldBuffersWhenTheChannelClosesBeforeTheRelayJoins() {
        InboundHold hold = new InboundHold();
        EmbeddedChannel channel = new EmbeddedChannel(hold);
        ByteBuf held = ascii("early");
        channel.writeInbound(held);

        channel.finishAndReleaseAll();

        assertEquals(0, held.refCnt());
    }

    @Test
    void replaysWhenARelayPairJoins() {
        EmbeddedChannel client = new EmbeddedChannel(new InboundHold());
        EmbeddedChannel target = new EmbeddedChannel();
        client.writeInbound(ascii("early bytes"));
        client.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);

        RelayPair.join(client, "client", target, "target");

        ByteBuf relayed = target.readOutbound();
        assertEquals("early bytes", relayed.toString(StandardCharsets.US_ASCII));
        relayed.release();
        assertEquals(EndOfStream.INSTANCE, target.readOutbound(), "the held EndOfStream follows the bytes");
        assertNull(client.pipeline().get(InboundHold.class));
        client.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    /**
     * An HTTP/2 stream hands its next queued frame on within the read that asks for it, and a relay
     * reads again on read-complete: the frame behind the held ones must reach the relay, not the hold.
     */
    @Test
    void aFrameDeliveredWithinTheReadThatEndsTheReplayReachesTheConsumer() {
        QueuedFrames source = new QueuedFrames(List.of(ascii("hello"), ascii("banner"), ascii("kexinit")));
        InboundHold hold = new InboundHold();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(source, hold);
        // The first frame arrives while the hold waits for the relay.
        channel.read();
        ReadingRecorder relay = new ReadingRecorder();
        channel.pipeline().addLast(relay);

        hold.release();

        assertEquals(List.of("read:hello", "read:banner", "read:kexinit"), relay.seen);
        assertNull(channel.pipeline().get(InboundHold.class));
        channel.finishAndReleaseAll();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Delivers one queued frame and a read-complete within each read, as an HTTP/2 stream channel does. */
    private static final class QueuedFrames extends io.netty.channel.ChannelDuplexHandler {
        private final java.util.ArrayDeque<ByteBuf> frames;

        QueuedFrames(List<ByteBuf> frames) {
            this.frames = new java.util.ArrayDeque<>(frames);
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            ByteBuf next = frames.poll();
            if (next != null) {
                ctx.fireChannelRead(next);
                ctx.fireChannelReadComplete();
            }
        }
    }

    /** Records what it reads, releases it and reads again on each read-complete, as a relay does. */
    private static final class ReadingRecorder extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            seen.add("read:" + buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
        }
    }

    /** Records reads and events as text, in order, and counts read-completes. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();
        int readCompletes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add("read:" + ((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add("event:" + evt);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readCompletes++;
        }
    }
}
