package dev.portless.common.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.StreamAbort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two ends joined by in-memory carriers that break and are replaced. */
class ResumableEndTest {

    private final List<String> events = new ArrayList<>();

    private ResumableEnd.Events recorder(String who) {
        return new ResumableEnd.Events() {
            @Override
            public void detached(ResumableEnd end) {
                events.add(who + " detached");
            }

            @Override
            public void ended(ResumableEnd end, String reason, boolean completed) {
                events.add(who + " ended " + completed + ": " + reason);
            }

            @Override
            public void named(ResumableEnd end, String streamId, String secret) {
                events.add(who + " named " + streamId);
            }
        };
    }

    /** Both ends of one stream, each with its plain channel and its first carrier. */
    private final class Pair {
        final EmbeddedChannel localPlain = new EmbeddedChannel();
        final EmbeddedChannel targetPlain = new EmbeddedChannel();
        final ResumableEnd client = ResumableEnd.start(localPlain, "local", 1 << 20, recorder("client"));
        final ResumableEnd connector = ResumableEnd.start(targetPlain, "target", 1 << 20, recorder("connector"));
        final EmbeddedChannel c1;
        final EmbeddedChannel s1 = new EmbeddedChannel();

        Pair() {
            this(new EmbeddedChannel());
        }

        Pair(EmbeddedChannel clientCarrier) {
            c1 = clientCarrier;
            client.attachFirst(c1, null);
            connector.attachFirst(s1, new ResumeName("abc.123", "secret"));
        }
    }

    /** Moves every frame each carrier wrote to the other one, until both are quiet. */
    private static void shuttle(EmbeddedChannel a, EmbeddedChannel b) {
        boolean moved = true;
        while (moved) {
            moved = move(a, b) | move(b, a);
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean any = false;
        for (Object o = from.readOutbound(); o != null; o = from.readOutbound()) {
            any = true;
            if (o instanceof ByteBuf buf && to.isActive()) {
                to.writeInbound(buf);
            } else {
                io.netty.util.ReferenceCountUtil.release(o);
            }
        }
        return any;
    }

    private static String text(EmbeddedChannel plain) {
        StringBuilder s = new StringBuilder();
        for (Object o = plain.readOutbound(); o != null; o = plain.readOutbound()) {
            if (o instanceof ByteBuf buf) {
                s.append(buf.toString(StandardCharsets.UTF_8));
                buf.release();
            } else if (o instanceof EndOfStream) {
                s.append("<FIN>");
            } else if (o instanceof StreamAbort abort) {
                s.append("<ABORT ").append(abort.reason()).append('>');
            }
        }
        return s.toString();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /** Returns {@code s} in a buffer as the plain channel's own read would allocate it. */
    private static ByteBuf read(EmbeddedChannel plain, String s) {
        ByteBuf buf = plain.config().getRecvByteBufAllocator().newHandle().allocate(plain.alloc());
        return buf.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReadGoesOutAsOneBufferWithItsHeaderInFrontAndIsReplayedWhole() {
        Pair p = new Pair();
        shuttle(p.c1, p.s1);
        p.localPlain.writeInbound(read(p.localPlain, "first "));
        ByteBuf frame = p.c1.readOutbound();
        assertFalse(frame instanceof io.netty.buffer.CompositeByteBuf, frame::toString);
        assertEquals(ResumeProtocol.DATA, frame.getByte(frame.readerIndex()));
        assertEquals(6, frame.getInt(frame.readerIndex() + 1));
        p.s1.writeInbound(frame);
        shuttle(p.c1, p.s1);
        assertEquals("first ", text(p.targetPlain));

        // Lost in flight, then sent again from the replay buffer on the next carrier.
        p.localPlain.writeInbound(read(p.localPlain, "second"));
        p.c1.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        p.c1.outboundMessages().clear();
        p.c1.close();
        p.s1.close();
        EmbeddedChannel c2 = new EmbeddedChannel();
        EmbeddedChannel s2 = new EmbeddedChannel();
        p.client.attachResumed(c2);
        p.connector.attachResumed(s2);
        shuttle(c2, s2);
        assertEquals("second", text(p.targetPlain));
    }

    @Test
    void bytesSentDuringABreakArriveOnceAfterTheResume() {
        Pair p = new Pair();
        EmbeddedChannel localPlain = p.localPlain;
        EmbeddedChannel targetPlain = p.targetPlain;
        ResumableEnd client = p.client;
        ResumableEnd connector = p.connector;
        EmbeddedChannel c1 = p.c1;
        EmbeddedChannel s1 = p.s1;
        localPlain.writeInbound(bytes("hello "));
        targetPlain.writeInbound(bytes("welcome "));
        shuttle(c1, s1);
        assertEquals("hello ", text(targetPlain));
        assertEquals("welcome ", text(localPlain));
        assertTrue(events.contains("client named abc.123"), events::toString);

        // The carriers break with bytes in flight that never arrive.
        localPlain.writeInbound(bytes("lost-up "));
        targetPlain.writeInbound(bytes("lost-down "));
        c1.outboundMessages().clear();
        s1.outboundMessages().clear();
        c1.close();
        s1.close();
        assertTrue(events.contains("client detached") && events.contains("connector detached"), events::toString);
        localPlain.writeInbound(bytes("while-away "));

        EmbeddedChannel c2 = new EmbeddedChannel();
        EmbeddedChannel s2 = new EmbeddedChannel();
        client.attachResumed(c2);
        connector.attachResumed(s2);
        shuttle(c2, s2);
        assertEquals("lost-up while-away ", text(targetPlain));
        assertEquals("lost-down ", text(localPlain));
        assertEquals(1, client.resumes());

        // Half-close both ways: the stream completes, the plain sides see the FIN once.
        localPlain.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        shuttle(c2, s2);
        assertEquals("<FIN>", text(targetPlain));
        targetPlain.writeInbound(bytes("bye"));
        targetPlain.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        shuttle(c2, s2);
        assertEquals("bye<FIN>", text(localPlain));
        assertTrue(client.ended() && connector.ended());
        assertTrue(events.contains("client ended true: completed"), events::toString);
        assertTrue(events.contains("connector ended true: completed"), events::toString);
    }

    @Test
    void theClientAcknowledgesTheHelloBeforeAnyByteFlows() {
        Pair p = new Pair();
        assertFalse(p.connector.peerHeard(), "nothing has come back from the client yet");

        shuttle(p.c1, p.s1);

        assertTrue(events.contains("client named abc.123"), events::toString);
        assertTrue(p.connector.peerHeard(), "the client's ACK of the HELLO tells the connector it can resume");
        assertEquals(0, p.connector.acknowledged());
        assertFalse(p.connector.ended());
    }

    @Test
    void aHalfCloseLostInABreakIsSentAgainAndTheStreamCompletes() {
        Pair p = new Pair();
        EmbeddedChannel localPlain = p.localPlain;
        EmbeddedChannel targetPlain = p.targetPlain;
        ResumableEnd client = p.client;
        ResumableEnd connector = p.connector;
        EmbeddedChannel c1 = p.c1;
        EmbeddedChannel s1 = p.s1;
        localPlain.writeInbound(bytes("request"));
        localPlain.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        targetPlain.writeInbound(bytes("part1 "));
        shuttle(c1, s1);
        assertEquals("request<FIN>", text(targetPlain));
        targetPlain.writeInbound(bytes("part2 "));
        c1.outboundMessages().clear();
        s1.outboundMessages().clear();
        c1.close();
        s1.close();
        targetPlain.writeInbound(bytes("part3"));
        targetPlain.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        EmbeddedChannel c2 = new EmbeddedChannel();
        EmbeddedChannel s2 = new EmbeddedChannel();
        client.attachResumed(c2);
        connector.attachResumed(s2);
        shuttle(c2, s2);
        assertEquals("part1 part2 part3<FIN>", text(localPlain));
        assertTrue(client.ended() && connector.ended(), events::toString);
    }

    @Test
    void theClientSettlesOnlyOnceItsCarriersHalfCloseIsWritten() {
        HeldHalfClose held = new HeldHalfClose();
        Pair p = new Pair(new EmbeddedChannel(held));
        shuttle(p.c1, p.s1);
        // The target ends first (sshd after ssh's disconnect), then the local program (ssh closing stdin).
        p.targetPlain.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        shuttle(p.c1, p.s1);
        assertEquals("<FIN>", text(p.localPlain));
        p.localPlain.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        shuttle(p.c1, p.s1);
        assertTrue(p.client.ended() && p.connector.ended(), events::toString);
        assertTrue(events.contains("client ended true: completed"), events::toString);

        // The connector acknowledged the client's end and half-closed its carrier in one turn, so the edge
        // relays both in one read: the client's half-close still waits when the connector's arrives.
        p.c1.pipeline().fireUserEventTriggered(EndOfStream.INSTANCE);
        assertFalse(p.c1.isOpen(), "the carrier closes once both half-closes are there");
        assertFalse(
                p.client.settled().isDone(),
                "settled before its half-close was written: an access that exits now cuts it off");
        held.writeNow();
        assertTrue(p.client.settled().getNow(false), "settled, completed, once the half-close is out");
    }

    /**
     * Holds a carrier's half-close the way an HTTP/2 connection holds an END_STREAM written during its
     * read: in its flow controller until the read ends, while closing the stream completes at once.
     */
    private static final class HeldHalfClose extends ChannelOutboundHandlerAdapter {
        private ChannelPromise promise;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof EndOfStream) {
                this.promise = promise;
            } else {
                ctx.write(msg, promise);
            }
        }

        void writeNow() {
            promise.setSuccess();
        }
    }

    @Test
    void anAcknowledgementBeyondWhatWasSentEndsTheStream() {
        EmbeddedChannel plain = new EmbeddedChannel();
        ResumableEnd end = ResumableEnd.start(plain, "local", 1 << 20, recorder("client"));
        EmbeddedChannel carrier = new EmbeddedChannel();
        end.attachFirst(carrier, null);
        plain.writeInbound(bytes("12345"));
        carrier.writeInbound(ResumeFrames.ack(carrier.alloc(), 99));
        assertTrue(end.ended());
        String seen = text(plain);
        assertTrue(seen.startsWith("<ABORT the other end acknowledged 99 bytes"), seen);
    }

    @Test
    void theReplayBufferDropsWhatWasAcknowledged() {
        ReplayBuffer replay = new ReplayBuffer();
        replay.add(bytes("abc"));
        replay.add(bytes("defg"));
        replay.acknowledge(5);
        assertEquals(5, replay.base());
        assertEquals(2, replay.size());
        List<String> again = new ArrayList<>();
        replay.forEachFrom(6, b -> {
            again.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        });
        assertEquals(List.of("g"), again);
        replay.release();
        assertEquals(0, replay.size());
        assertFalse(replay.end() < 7);
    }

    @Test
    void framesSplitAnywhereDecodeTheSame() {
        EmbeddedChannel decoder = new EmbeddedChannel(new ResumeFrameDecoder());
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(ResumeFrames.hello(all.alloc(), "id.1", "s"));
        all.writeBytes(ResumeFrames.dataHeader(all.alloc(), 3)).writeBytes(bytes("xyz"));
        all.writeBytes(ResumeFrames.ack(all.alloc(), 7));
        all.writeBytes(ResumeFrames.fin(all.alloc()));
        all.writeBytes(ResumeFrames.reset(all.alloc(), 4020, "gone"));
        while (all.isReadable()) {
            decoder.writeInbound(all.readRetainedSlice(1));
        }
        all.release();
        assertEquals(new ResumeFrame.Hello("id.1", "s"), decoder.readInbound());
        StringBuilder data = new StringBuilder();
        Object next;
        while ((next = decoder.readInbound()) instanceof ResumeFrame.Data d) {
            data.append(d.bytes().toString(StandardCharsets.UTF_8));
            d.bytes().release();
        }
        assertEquals("xyz", data.toString());
        assertEquals(new ResumeFrame.Ack(7), next);
        assertInstanceOf(ResumeFrame.Fin.class, decoder.readInbound());
        assertEquals(new ResumeFrame.Reset(4020, "gone"), decoder.readInbound());
    }

    @Test
    void dataThatArrivesInSeveralBuffersGoesOnWithoutACopy() {
        EmbeddedChannel decoder = new EmbeddedChannel(new ResumeFrameDecoder());
        ByteBuf payload = Unpooled.buffer().writeBytes(bytes("abcdef"));
        // An HTTP/2 DATA frame's content as the TLS layer hands it on: one buffer made of several.
        ByteBuf content = Unpooled.compositeBuffer()
                .addComponents(true, ResumeFrames.dataHeader(Unpooled.buffer().alloc(), 6), payload.retain());
        decoder.writeInbound(content);
        ResumeFrame.Data data = assertInstanceOf(ResumeFrame.Data.class, decoder.readInbound());
        // The piece shares the memory it was read into: a change there shows through it.
        payload.setByte(0, 'A');
        assertEquals("Abcdef", data.bytes().toString(StandardCharsets.UTF_8));
        data.bytes().release();
        payload.release();
        assertNull(decoder.readInbound());
        assertFalse(decoder.finish());
    }
}
