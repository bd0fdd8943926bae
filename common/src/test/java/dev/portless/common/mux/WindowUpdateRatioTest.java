package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import org.junit.jupiter.api.Test;

/** A stream read by its channel returns its credit once it has taken an eighth of its window, not half. */
class WindowUpdateRatioTest {
    private static final int STREAM_WINDOW = 256 << 10;
    private static final int EIGHTH = STREAM_WINDOW / 8;

    @Test
    void creditReturnsAfterAnEighthOfTheWindow() {
        EmbeddedChannel connection = new EmbeddedChannel(
                FrameSharingCodecBuilder.forClient(64 << 10)
                        .initialSettings(new Http2Settings().initialWindowSize(STREAM_WINDOW))
                        .build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        // The server's SETTINGS, and its acknowledgement of ours, which puts our stream window in force.
        connection.writeInbound(frame(Http2FrameTypes.SETTINGS, 0, 0, 0));
        connection.writeInbound(frame(Http2FrameTypes.SETTINGS, 1, 0, 0));
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInboundHandlerAdapter())
                .open()
                .syncUninterruptibly()
                .getNow();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().method("CONNECT").authority("app.example.com:443"), false));
        int id = stream.stream().id();
        drain(connection);

        deliver(connection, id, EIGHTH - 1);
        assertEquals(0, streamCredit(connection, id), "credit returned before an eighth of the window was taken");

        deliver(connection, id, 1);
        assertEquals(EIGHTH, streamCredit(connection, id), "an eighth of the window taken, its credit not returned");

        // Netty's default would return nothing until half the window was taken.
        deliver(connection, id, EIGHTH);
        assertEquals(EIGHTH, streamCredit(connection, id), "the second eighth's credit not returned");
        connection.finishAndReleaseAll();
    }

    /** Feeds {@code n} bytes of DATA for stream {@code id} in frames the default frame size allows. */
    private static void deliver(EmbeddedChannel connection, int id, int n) {
        while (n > 0) {
            int length = Math.min(n, Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE);
            connection.writeInbound(frame(Http2FrameTypes.DATA, 0, id, length));
            n -= length;
        }
        connection.runPendingTasks();
        connection.flushOutbound();
    }

    /** Returns the credit the WINDOW_UPDATE frames written since the last call return to stream {@code id}. */
    private static long streamCredit(EmbeddedChannel connection, int id) {
        ByteBuf out = drain(connection);
        long credit = 0;
        while (out.readableBytes() >= Http2CodecUtil.FRAME_HEADER_LENGTH) {
            int length = out.readUnsignedMedium();
            byte type = out.readByte();
            out.skipBytes(1); // flags
            int stream = out.readInt() & Integer.MAX_VALUE;
            if (type == Http2FrameTypes.WINDOW_UPDATE && stream == id) {
                credit += out.getInt(out.readerIndex()) & Integer.MAX_VALUE;
            }
            out.skipBytes(length);
        }
        out.release();
        return credit;
    }

    private static ByteBuf frame(byte type, int flags, int streamId, int payloadLength) {
        ByteBuf b = Unpooled.buffer(Http2CodecUtil.FRAME_HEADER_LENGTH + payloadLength);
        b.writeMedium(payloadLength).writeByte(type).writeByte(flags).writeInt(streamId);
        b.writeZero(payloadLength);
        return b;
    }

    private static ByteBuf drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        return all;
    }
}
