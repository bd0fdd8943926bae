package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Close frame goes in only between the origin's frames, and only when the origin has not closed: else the
 * abort goes on to the stream adapter.
 */
class OriginWebSocketCloseTest {
    private static final StreamAbort SIGNED_OUT = StreamAbort.of(StreamEnd.SIGNED_OUT, "chat.example.com");
    private static final String SENTENCE = "your session for chat.example.com ended: signed out by an administrator";

    private final EmbeddedChannel channel = new EmbeddedChannel(new OriginWebSocketClose());

    @Test
    void afterWholeFramesTheBrowserGetsACloseFrameWithTheCodeAndSentence() {
        channel.writeOutbound(frame(0x81, 5), frame(0x82, 300));
        drain();

        channel.writeOutbound(SIGNED_OUT);

        ByteBuf close = channel.readOutbound();
        assertEquals(0x88, close.readUnsignedByte(), "FIN and opcode Close");
        int length = close.readUnsignedByte();
        assertEquals(2 + SENTENCE.length(), length, "unmasked, the code and the sentence");
        assertEquals(4010, close.readUnsignedShort());
        assertEquals(SENTENCE, close.toString(StandardCharsets.UTF_8));
        close.release();
        assertNull(channel.readOutbound(), "the abort is answered by the frame, not passed on: a clean close");
    }

    @Test
    void midFrameTheAbortGoesOnAndAFrameSplitAcrossWritesIsFollowed() {
        ByteBuf big = frame(0x02, 70_000);
        channel.writeOutbound(big.readRetainedSlice(3), big.readRetainedSlice(5));
        drain();
        channel.writeOutbound(SIGNED_OUT);
        assertSame(SIGNED_OUT, channel.readOutbound(), "mid-frame no Close may go in");

        EmbeddedChannel split = new EmbeddedChannel(new OriginWebSocketClose());
        big.readerIndex(0);
        split.writeOutbound(big.readRetainedSlice(3), big.readRetainedSlice(big.readableBytes()));
        big.release();
        split.writeOutbound(SIGNED_OUT);
        ByteBuf b;
        while ((b = split.readOutbound()) != null && b.getUnsignedByte(0) != 0x88) {
            b.release();
        }
        assertEquals(0x88, b == null ? -1 : b.getUnsignedByte(0), "a Close frame once the split frame ended");
        b.release();
        split.finishAndReleaseAll();
    }

    @Test
    void anOriginThatClosedFirstKeepsItsOwnClose() {
        channel.writeOutbound(closeFrame(1000));
        drain();

        channel.writeOutbound(SIGNED_OUT);

        assertSame(SIGNED_OUT, channel.readOutbound(), "a second Close frame would break the protocol");
    }

    @Test
    void aLongSentenceIsCutAtACharacterBoundary() {
        String text = "é".repeat(70);
        byte[] cut = OriginWebSocketClose.utf8Prefix(text, 123);
        assertEquals(122, cut.length);
        assertEquals("é".repeat(61), new String(cut, StandardCharsets.UTF_8));
    }

    /** Returns an unmasked frame with the first byte {@code first} and {@code length} payload bytes. */
    private static ByteBuf frame(int first, int length) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(first);
        if (length < 126) {
            b.writeByte(length);
        } else if (length < 65_536) {
            b.writeByte(126).writeShort(length);
        } else {
            b.writeByte(127).writeLong(length);
        }
        b.writeZero(length);
        return b;
    }

    private static ByteBuf closeFrame(int code) {
        return Unpooled.buffer().writeByte(0x88).writeByte(2).writeShort(code);
    }

    private void drain() {
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            b.release();
        }
    }
}
