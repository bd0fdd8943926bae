package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameSharingCodecBuilderTest {
    private static final int PEER_MAX_FRAME = Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE;

    @Test
    void busyStreamsTakeTurnsInWholeFrames() {
        List<Integer> sizes =
                dataFrameSizes(FrameSharingCodecBuilder.forClient(64 << 10).build());
        // The peer's defaults allow 65,535 bytes on the connection in frames of 16 KiB: four frames, all whole but the
        // last.
        assertEquals(List.of(PEER_MAX_FRAME, PEER_MAX_FRAME, PEER_MAX_FRAME, PEER_MAX_FRAME - 1), sizes);
    }

    @Test
    void nettysDefaultCutsBusyStreamsIntoSmallFrames() {
        // The behaviour the builder exists to avoid: the same two streams, 1 KiB turns.
        List<Integer> sizes = dataFrameSizes(Http2FrameCodecBuilder.forClient().build());
        assertTrue(sizes.size() > 20 && sizes.stream().allMatch(n -> n < 4096), sizes::toString);
    }

    /** Returns the payload sizes of the DATA frames {@code codec} writes for two streams with 64 KiB waiting each. */
    private static List<Integer> dataFrameSizes(Http2FrameCodec codec) {
        EmbeddedChannel connection =
                new EmbeddedChannel(codec, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        drain(connection); // the preface and SETTINGS
        List<Http2StreamChannel> streams = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                    .open()
                    .syncUninterruptibly()
                    .getNow();
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().method("CONNECT").authority("app.example.com:443"), false));
            streams.add(stream);
        }
        // Queue both streams' bytes before either is flushed, as busy relays do between two flushes.
        for (Http2StreamChannel stream : streams) {
            stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[64 << 10]), false));
        }
        streams.forEach(Http2StreamChannel::flush);
        connection.runPendingTasks();
        List<Integer> sizes = new ArrayList<>();
        ByteBuf out = drain(connection);
        while (out.readableBytes() >= Http2CodecUtil.FRAME_HEADER_LENGTH) {
            int length = out.readUnsignedMedium();
            byte type = out.readByte();
            out.skipBytes(5 + length); // flags, stream id, payload
            if (type == Http2FrameTypes.DATA) {
                sizes.add(length);
            }
        }
        out.release();
        connection.finishAndReleaseAll();
        return sizes;
    }

    private static ByteBuf drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }
}
