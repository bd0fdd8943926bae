package dev.portless.common.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A client HTTP/2 connection on an {@link EmbeddedChannel} with one open {@code CONNECT} stream whose
 * channel reads what arrives: tests feed it the server's frames as bytes and read the frames it writes.
 */
final class EmbeddedClientStream implements AutoCloseable {
    /** One frame the connection wrote. */
    record Frame(byte type, int flags, int streamId, byte[] payload) {
        /** Returns the payload's first {@code long}: a PING's 8 bytes. */
        long payloadLong() {
            return ByteBuffer.wrap(payload).getLong();
        }

        /** Returns a WINDOW_UPDATE's window size increment. */
        int increment() {
            return ByteBuffer.wrap(payload).getInt() & Integer.MAX_VALUE;
        }
    }

    private final EmbeddedChannel channel;
    private final int id;

    /** Opens the connection with {@code streamWindow} as its stream window and {@code between} behind its codec. */
    EmbeddedClientStream(int streamWindow, ChannelHandler... between) {
        channel = new EmbeddedChannel(FrameSharingCodecBuilder.forClient(64 << 10)
                .initialSettings(new Http2Settings().initialWindowSize(streamWindow))
                .build());
        channel.pipeline().addLast(between);
        channel.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        // The server's SETTINGS, and its acknowledgement of ours, which puts our stream window in force.
        receive(Http2FrameTypes.SETTINGS, 0, 0, Unpooled.EMPTY_BUFFER);
        receive(Http2FrameTypes.SETTINGS, Http2Flags.ACK, 0, Unpooled.EMPTY_BUFFER);
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInboundHandlerAdapter())
                .open()
                .syncUninterruptibly()
                .getNow();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().method("CONNECT").authority("app.example.com:443"), false));
        id = stream.stream().id();
        // The connection preface, which is not a frame, is in what the client wrote so far.
        drain().release();
    }

    /** Returns the connection's channel. */
    EmbeddedChannel channel() {
        return channel;
    }

    /** Returns the stream's id. */
    int id() {
        return id;
    }

    /** Feeds {@code n} bytes of DATA for the stream in frames the default frame size allows. */
    void deliver(int n) {
        while (n > 0) {
            int length = Math.min(n, Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE);
            receive(Http2FrameTypes.DATA, 0, id, Unpooled.wrappedBuffer(new byte[length]));
            n -= length;
        }
        channel.runPendingTasks();
        channel.flushOutbound();
    }

    /** Feeds one frame from the server; takes {@code payload} over. */
    void receive(byte type, int flags, int streamId, ByteBuf payload) {
        ByteBuf b = Unpooled.buffer(Http2CodecUtil.FRAME_HEADER_LENGTH + payload.readableBytes());
        b.writeMedium(payload.readableBytes()).writeByte(type).writeByte(flags).writeInt(streamId);
        b.writeBytes(payload);
        payload.release();
        channel.writeInbound(b);
    }

    /** Returns the frames the connection wrote since the last call. */
    List<Frame> written() {
        ByteBuf out = drain();
        List<Frame> frames = new ArrayList<>();
        while (out.readableBytes() >= Http2CodecUtil.FRAME_HEADER_LENGTH) {
            int length = out.readUnsignedMedium();
            byte type = out.readByte();
            int flags = out.readUnsignedByte();
            int streamId = out.readInt() & Integer.MAX_VALUE;
            byte[] payload = new byte[length];
            out.readBytes(payload);
            frames.add(new Frame(type, flags, streamId, payload));
        }
        out.release();
        return frames;
    }

    private ByteBuf drain() {
        channel.runPendingTasks();
        channel.flushOutbound();
        ByteBuf out = Unpooled.buffer();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.writeBytes(b);
            b.release();
        }
        return out;
    }

    /** Returns the credit the WINDOW_UPDATE frames in {@code frames} return to the stream. */
    long streamCredit(List<Frame> frames) {
        return frames.stream()
                .filter(f -> f.type() == Http2FrameTypes.WINDOW_UPDATE && f.streamId() == id)
                .mapToLong(Frame::increment)
                .sum();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
