package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tuner on a real codec: a stream that fills its window in a round trip far longer than the shortest
 * grows when the peer's stamped PINGs show that nothing queued on the way in (the credit waited on the way
 * out, behind our own bytes), and keeps its window when they show that the round trip was the queue on the
 * way in, which a larger window would only lengthen.
 */
class CreditRoundTripTest {
    private static final int WINDOW = 256 << 10;
    private static final int FRAME = Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE;
    private static final long SLOW_ROUND_TRIP_MILLIS = 60;

    @Test
    void aWindowWhoseCreditWaitedOnTheWayOutGrows() throws Exception {
        Connection c = new Connection();
        c.fastRoundTrip();
        // The peer's PING arrives with the least delay it has had: nothing queues on the way in.
        c.peerPing(System.nanoTime());
        long credit = c.slowRoundTripFillingTheWindow();
        assertTrue(credit > WINDOW, "the window did not grow: " + credit + " bytes of credit for " + WINDOW + " taken");
        c.close();
    }

    @Test
    void aWindowWhoseRoundTripWasTheQueueOnTheWayInKeepsItsSize() throws Exception {
        Connection c = new Connection();
        c.fastRoundTrip();
        c.peerPing(System.nanoTime());
        // The next one from the peer took ten seconds longer on its way here than the first.
        c.peerPing(System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
        long credit = c.slowRoundTripFillingTheWindow();
        assertTrue(credit <= WINDOW, "the window grew into its own queue: " + credit + " bytes of credit");
        c.close();
    }

    @Test
    void withoutThePeersStampsTheShortestRoundTripDecidesAsBefore() throws Exception {
        Connection c = new Connection();
        c.fastRoundTrip();
        long credit = c.slowRoundTripFillingTheWindow();
        assertTrue(credit <= WINDOW, "the window grew on a round trip sixty times the shortest: " + credit);
        c.close();
    }

    /** One client connection with the tuner behind its codec and one stream that reads what arrives. */
    private static final class Connection {
        private final EmbeddedChannel channel = new EmbeddedChannel(
                FrameSharingCodecBuilder.forClient(64 << 10)
                        .initialSettings(new Http2Settings().initialWindowSize(WINDOW))
                        .build(),
                new Http2WindowGrowth(new Http2WindowGrowth.Caps(WINDOW, 4 * WINDOW, 16 * WINDOW)),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        private final int id;
        // The payload of the last measuring PING the tuner wrote.
        private long pendingPing;

        Connection() {
            channel.writeInbound(frame(Http2FrameTypes.SETTINGS, 0, 0, Unpooled.EMPTY_BUFFER));
            channel.writeInbound(frame(Http2FrameTypes.SETTINGS, Http2Flags.ACK, 0, Unpooled.EMPTY_BUFFER));
            Http2Windows.widenConnectionWindow(channel, 64 * WINDOW);
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel)
                    .handler(new ChannelInboundHandlerAdapter())
                    .open()
                    .syncUninterruptibly()
                    .getNow();
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().method("CONNECT").authority("app.example.com:443"), false));
            id = stream.stream().id();
            drain();
        }

        /** One frame of DATA and the PING it sets off answered at once: the shortest round trip. */
        void fastRoundTrip() {
            deliver(FRAME);
            streamCredit();
            ackPing(pendingPing);
        }

        /**
         * A whole window of DATA in a round trip of {@link #SLOW_ROUND_TRIP_MILLIS}; returns the stream credit
         * the connection gave back for it (consumed bytes and growth).
         */
        long slowRoundTripFillingTheWindow() throws InterruptedException {
            // The tuner sends at most one measuring PING per 10 ms.
            Thread.sleep(20);
            deliver(WINDOW);
            long credit = streamCredit();
            long ping = pendingPing;
            assertTrue(PingStamp.isMeasuring(ping), "the DATA set off no measuring PING");
            Thread.sleep(SLOW_ROUND_TRIP_MILLIS);
            ackPing(ping);
            return credit + streamCredit();
        }

        void peerPing(long stampedAt) {
            channel.writeInbound(ping(0, PingStamp.payload(stampedAt)));
            drain().release();
        }

        private void ackPing(long payload) {
            channel.writeInbound(ping(Http2Flags.ACK, payload));
            channel.runPendingTasks();
        }

        private void deliver(int n) {
            while (n > 0) {
                int length = Math.min(n, FRAME);
                channel.writeInbound(frame(Http2FrameTypes.DATA, 0, id, Unpooled.wrappedBuffer(new byte[length])));
                n -= length;
            }
            channel.runPendingTasks();
            channel.flushOutbound();
        }

        /** Returns the stream credit written since the last read of the output, noting the measuring PING in it. */
        private long streamCredit() {
            ByteBuf out = drain();
            long credit = 0;
            while (out.readableBytes() >= Http2CodecUtil.FRAME_HEADER_LENGTH) {
                int length = out.readUnsignedMedium();
                byte type = out.readByte();
                short flags = out.readUnsignedByte();
                int stream = out.readInt() & Integer.MAX_VALUE;
                if (type == Http2FrameTypes.WINDOW_UPDATE && stream == id) {
                    credit += out.getInt(out.readerIndex()) & Integer.MAX_VALUE;
                } else if (type == Http2FrameTypes.PING && (flags & Http2Flags.ACK) == 0) {
                    long payload = out.getLong(out.readerIndex());
                    if (PingStamp.isMeasuring(payload)) {
                        pendingPing = payload;
                    }
                }
                out.skipBytes(length);
            }
            out.release();
            return credit;
        }

        private ByteBuf drain() {
            channel.runPendingTasks();
            channel.flushOutbound();
            ByteBuf all = Unpooled.buffer();
            for (Object o; (o = channel.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                all.writeBytes(b);
                b.release();
            }
            return all;
        }

        void close() {
            channel.finishAndReleaseAll();
        }
    }

    private static ByteBuf ping(int flags, long payload) {
        return frame(Http2FrameTypes.PING, flags, 0, Unpooled.buffer(8).writeLong(payload));
    }

    private static ByteBuf frame(byte type, int flags, int streamId, ByteBuf payload) {
        ByteBuf b = Unpooled.buffer(Http2CodecUtil.FRAME_HEADER_LENGTH + payload.readableBytes());
        b.writeMedium(payload.readableBytes()).writeByte(type).writeByte(flags).writeInt(streamId);
        b.writeBytes(payload);
        payload.release();
        return b;
    }
}
