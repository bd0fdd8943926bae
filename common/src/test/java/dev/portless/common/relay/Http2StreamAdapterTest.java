package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.CloseCodes;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2StreamAdapterTest {
    private final Recorder recorder = new Recorder();
    private final EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamAdapter(), recorder);

    @Test
    void passesDataFrameBytesOnAsByteBuf() {
        ByteBuf content = ascii("hello");
        channel.writeInbound(new DefaultHttp2DataFrame(content, false));

        assertEquals(1, recorder.messages.size());
        ByteBuf read = assertInstanceOf(ByteBuf.class, recorder.messages.get(0));
        assertSame(content, read, "no copy: the frame's own buffer goes on");
        assertEquals("hello", read.toString(StandardCharsets.US_ASCII));
        read.release();
        assertTrue(recorder.events.isEmpty());
    }

    @Test
    void turnsEndStreamOnDataIntoBytesThenEndOfStream() {
        channel.writeInbound(new DefaultHttp2DataFrame(ascii("bye"), true));

        assertEquals("bye", ((ByteBuf) recorder.messages.get(0)).toString(StandardCharsets.US_ASCII));
        ((ByteBuf) recorder.messages.get(0)).release();
        assertEquals(List.of(EndOfStream.INSTANCE), recorder.events);
    }

    @Test
    void turnsAnEmptyEndStreamDataFrameIntoEndOfStreamOnly() {
        ByteBuf empty = Unpooled.buffer(0);
        channel.writeInbound(new DefaultHttp2DataFrame(empty, true));

        assertTrue(recorder.messages.isEmpty(), "no empty buffer reaches the relay");
        assertEquals(0, empty.refCnt());
        assertEquals(List.of(EndOfStream.INSTANCE), recorder.events);
    }

    @Test
    void turnsEndStreamOnTrailersIntoEndOfStream() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers(), true));

        assertEquals(List.of(EndOfStream.INSTANCE), recorder.events);
    }

    @Test
    void dropsOtherFrames() {
        channel.writeInbound(new DefaultHttp2WindowUpdateFrame(1024));
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers(), false));

        assertTrue(recorder.messages.isEmpty());
        assertTrue(recorder.events.isEmpty());
    }

    @Test
    void sendsBytesAsDataWithoutEndStream() {
        ByteBuf buf = ascii("hello");
        assertTrue(channel.writeAndFlush(buf).isSuccess());

        Http2DataFrame data = channel.readOutbound();
        assertFalse(data.isEndStream());
        assertSame(buf, data.content());
        data.release();
        assertNull(channel.readOutbound());
    }

    @Test
    void sendsEndOfStreamAsAnEmptyDataFrameWithEndStream() {
        assertTrue(channel.writeAndFlush(EndOfStream.INSTANCE).isSuccess());

        Http2DataFrame data = channel.readOutbound();
        assertTrue(data.isEndStream());
        assertEquals(0, data.content().readableBytes());
        data.release();
        assertTrue(channel.isOpen(), "half-close: the peer may still send");
    }

    @Test
    void sendsStreamAbortAsTrailersWithTheReason() {
        assertTrue(channel.writeAndFlush(new StreamAbort(CloseCodes.STREAM_RESET, "target failed:\r\nreset"))
                .isSuccess());

        Http2HeadersFrame trailers = channel.readOutbound();
        assertTrue(trailers.isEndStream());
        assertEquals("4000", trailers.headers().get(TunnelProtocol.CLOSE_CODE).toString());
        assertEquals(
                "target failed:  reset",
                trailers.headers().get(TunnelProtocol.CLOSE_REASON).toString(),
                "a reason is one header line");
        assertNull(channel.readOutbound());
    }

    @Test
    void sendsStreamAbortAsRstStreamOnceItsOwnEndIsOut() {
        assertTrue(channel.writeAndFlush(EndOfStream.INSTANCE).isSuccess());
        ((Http2DataFrame) channel.readOutbound()).release();
        assertTrue(channel.writeAndFlush(new StreamAbort(CloseCodes.STREAM_RESET, "client failed"))
                .isSuccess());

        Http2ResetFrame reset = channel.readOutbound();
        assertEquals(Http2Error.CANCEL.code(), reset.errorCode());
        assertNull(channel.readOutbound());
    }

    @Test
    void readsAnAbortFromTrailers() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                        .set(TunnelProtocol.CLOSE_CODE, "4000")
                        .set(TunnelProtocol.CLOSE_REASON, "target closed the stream"),
                true));

        assertEquals(List.of(new StreamAbort(4000, "target closed the stream")), recorder.events);
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
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
    }
}
