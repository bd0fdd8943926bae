package dev.portless.common.mux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import java.util.List;
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
        private final EmbeddedClientStream client = new EmbeddedClientStream(
                WINDOW, new Http2WindowGrowth(new Http2WindowGrowth.Caps(WINDOW, 4 * WINDOW, 16 * WINDOW)));
        // The payload of the last measuring PING the tuner wrote.
        private long pendingPing;

        Connection() {
            Http2Windows.widenConnectionWindow(client.channel(), 64 * WINDOW);
            client.written();
        }

        /** One frame of DATA and the PING it sets off answered at once: the shortest round trip. */
        void fastRoundTrip() {
            client.deliver(FRAME);
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
            client.deliver(WINDOW);
            long credit = streamCredit();
            long ping = pendingPing;
            assertTrue(PingStamp.isMeasuring(ping), "the DATA set off no measuring PING");
            Thread.sleep(SLOW_ROUND_TRIP_MILLIS);
            ackPing(ping);
            return credit + streamCredit();
        }

        void peerPing(long stampedAt) {
            client.receive(Http2FrameTypes.PING, 0, 0, Unpooled.buffer(8).writeLong(PingStamp.payload(stampedAt)));
            client.written();
        }

        private void ackPing(long payload) {
            client.receive(
                    Http2FrameTypes.PING, Http2Flags.ACK, 0, Unpooled.buffer(8).writeLong(payload));
            client.channel().runPendingTasks();
        }

        /** Returns the stream credit written since the last read of the output, noting the measuring PING in it. */
        private long streamCredit() {
            List<EmbeddedClientStream.Frame> frames = client.written();
            for (EmbeddedClientStream.Frame f : frames) {
                if (f.type() == Http2FrameTypes.PING
                        && (f.flags() & Http2Flags.ACK) == 0
                        && PingStamp.isMeasuring(f.payloadLong())) {
                    pendingPing = f.payloadLong();
                }
            }
            return client.streamCredit(frames);
        }

        void close() {
            client.close();
        }
    }
}
