package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebSocketStreamAdapterTest {
    private final Recorder recorder = new Recorder();
    private final WebSocketStreamAdapter adapter = new WebSocketStreamAdapter();
    private final EmbeddedChannel channel = new EmbeddedChannel(adapter, recorder);

    @Test
    void splitsOutboundBytesIntoMessagesOfAtMost16KiB() {
        byte[] data = new byte[40 * 1024];
        new Random(42).nextBytes(data);
        ByteBuf buf = Unpooled.wrappedBuffer(data);

        ChannelFuture write = channel.writeAndFlush(buf);

        assertTrue(write.isSuccess());
        List<Integer> sizes = new ArrayList<>();
        ByteBuf joined = Unpooled.buffer();
        BinaryWebSocketFrame frame;
        while ((frame = channel.readOutbound()) != null) {
            sizes.add(frame.content().readableBytes());
            assertTrue(frame.isFinalFragment(), "each message is one whole frame");
            joined.writeBytes(frame.content());
            frame.release();
        }
        assertEquals(List.of(16384, 16384, 8192), sizes);
        assertEquals(WebSocketStreamAdapter.MAX_MESSAGE, 16 * 1024);
        assertEquals(Unpooled.wrappedBuffer(data), joined);
        joined.release();
        assertEquals(0, buf.refCnt(), "the slices and the original are all released once written");
    }

    @Test
    void sendsASmallWriteAsOneMessage() {
        channel.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));

        BinaryWebSocketFrame frame = channel.readOutbound();
        assertEquals("hello", frame.content().toString(StandardCharsets.US_ASCII));
        frame.release();
        assertNull(channel.readOutbound());
    }

    @Test
    void sendsEndOfStreamAsClose1000Once() {
        ChannelFuture first = channel.writeAndFlush(EndOfStream.INSTANCE);
        ChannelFuture second = channel.writeAndFlush(EndOfStream.INSTANCE);

        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(CloseCodes.NORMAL, close.statusCode());
        assertEquals("", close.reasonText());
        close.release();
        assertNull(channel.readOutbound(), "a second Close would break RFC 6455");
        assertTrue(first.isSuccess());
        assertTrue(second.isSuccess());
        assertTrue(channel.isOpen(), "half-close: the peer may still send");
    }

    @Test
    void sendsNoDataFrameAfterItsClose() {
        channel.writeAndFlush(EndOfStream.INSTANCE);
        // RelayPair flushes an empty buffer before it closes a channel that ended normally.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER);

        CloseWebSocketFrame close = channel.readOutbound();
        close.release();
        Object next;
        while ((next = channel.readOutbound()) != null) {
            // RFC 6455 5.5.1: after sending a Close frame, an endpoint sends no more data frames.
            assertFalse(next instanceof WebSocketFrame, "a frame after Close: " + next);
            ReferenceCountUtil.release(next);
        }
    }

    @Test
    void sendsStreamAbortAsCloseWithItsCodeAndReason() {
        channel.writeAndFlush(new StreamAbort(CloseCodes.DRAINING, "connector draining"));

        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(CloseCodes.DRAINING, close.statusCode());
        assertEquals("connector draining", close.reasonText());
        close.release();
        // A Close already went out: an abort after an EndOfStream sends nothing more.
        channel.writeAndFlush(EndOfStream.INSTANCE);
        assertNull(channel.readOutbound());
    }

    @Test
    void cutsALongAbortReasonToFitAControlFrame() {
        channel.writeAndFlush(new StreamAbort(CloseCodes.STREAM_RESET, "x".repeat(300)));

        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(CloseCodes.STREAM_RESET, close.statusCode());
        String reason = close.reasonText();
        assertTrue(reason.length() >= 100 && "x".repeat(300).startsWith(reason), "a prefix of the reason: " + reason);
        assertTrue(close.content().readableBytes() <= 125, "RFC 6455 5.5: control frames carry at most 125 bytes");
        close.release();
    }

    @Test
    void cutsANonAsciiAbortReasonToFitAControlFrameInBytes() {
        // RFC 6455 5.5: a control frame's payload is at most 125 bytes; 100 'é' are 200 bytes of UTF-8.
        channel.writeAndFlush(new StreamAbort(CloseCodes.STREAM_RESET, "é".repeat(100)));

        CloseWebSocketFrame close = channel.readOutbound();
        int payload = close.content().readableBytes();
        String reason = close.reasonText();
        close.release();
        assertTrue(payload <= 125, "Close payload of " + payload + " bytes (expected: <= 125)");
        assertTrue(!reason.isEmpty() && "é".repeat(100).startsWith(reason), "a prefix of the reason: " + reason);
    }

    @Test
    void passesInboundBinaryAndContinuationBytesOn() {
        channel.writeInbound(
                new BinaryWebSocketFrame(false, 0, Unpooled.copiedBuffer("ab", StandardCharsets.US_ASCII)));
        channel.writeInbound(new ContinuationWebSocketFrame(Unpooled.copiedBuffer("cd", StandardCharsets.US_ASCII)));

        assertEquals(List.of("ab", "cd"), recorder.texts());
        assertTrue(recorder.events.isEmpty());
    }

    @Test
    void turnsClose1000IntoEndOfStream() {
        channel.writeInbound(new CloseWebSocketFrame(CloseCodes.NORMAL, ""));

        assertEquals(List.of(EndOfStream.INSTANCE), recorder.events);
        assertTrue(adapter.closeReceived());
        assertNull(channel.readOutbound(), "the adapter does not answer a half-close by itself");
        assertTrue(channel.isOpen());
    }

    @Test
    void turnsCloseWithoutCodeIntoEndOfStream() {
        channel.writeInbound(new CloseWebSocketFrame());

        assertEquals(List.of(EndOfStream.INSTANCE), recorder.events);
    }

    @Test
    void turnsClose4000IntoStreamAbortWithCodeAndReason() {
        channel.writeInbound(new CloseWebSocketFrame(CloseCodes.STREAM_RESET, "target reset"));
        channel.writeInbound(new CloseWebSocketFrame(CloseCodes.STREAM_RESET, "again"));

        assertEquals(
                List.of(new StreamAbort(CloseCodes.STREAM_RESET, "target reset")),
                recorder.events,
                "only the first Close counts");
    }

    @Test
    void namesTheCodeWhenACloseHasNoReason() {
        channel.writeInbound(new CloseWebSocketFrame(CloseCodes.DRAINING, ""));

        assertEquals(List.of(new StreamAbort(CloseCodes.DRAINING, "close code 4002")), recorder.events);
    }

    @Test
    void answersPingWithPongOfTheSameBytes() {
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.US_ASCII)));

        PongWebSocketFrame pong = channel.readOutbound();
        assertEquals("are you there", pong.content().toString(StandardCharsets.US_ASCII));
        pong.release();
        assertTrue(recorder.messages.isEmpty(), "a ping carries no stream bytes");
    }

    @Test
    void closesWith1003OnATextFrame() {
        TextWebSocketFrame text = new TextWebSocketFrame("hello");
        channel.writeInbound(text);

        CloseWebSocketFrame close = channel.readOutbound();
        assertEquals(CloseCodes.UNSUPPORTED_DATA, close.statusCode());
        assertEquals("binary messages only", close.reasonText());
        close.release();
        assertEquals(0, text.refCnt());
        assertFalse(channel.isOpen());
        assertTrue(recorder.messages.isEmpty());
    }

    @Test
    void ignoresAnInboundPong() {
        PongWebSocketFrame pong = new PongWebSocketFrame(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
        channel.writeInbound(pong);

        assertEquals(0, pong.refCnt());
        assertTrue(recorder.messages.isEmpty());
        assertNull(channel.readOutbound());
    }

    /** Records what the adapter passes on: messages and user events, in order. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        List<String> texts() {
            List<String> texts = new ArrayList<>();
            for (Object m : messages) {
                ByteBuf buf = assertInstanceOf(ByteBuf.class, m);
                texts.add(buf.toString(StandardCharsets.UTF_8));
                buf.release();
            }
            return texts;
        }
    }
}
