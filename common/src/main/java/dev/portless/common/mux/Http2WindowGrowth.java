package dev.portless.common.mux;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive-window tuner of one HTTP/2 connection: it measures the bandwidth-delay product as
 * the bytes each stream delivers during one PING round trip, and when a stream delivers close to
 * its whole window in that time (the window, not the link, is what limits it) doubles that
 * stream's window, up to {@link Caps#streamCap()}.
 *
 * <p>A PING waits behind the bytes queued on its way, both ways, and so does the credit a window
 * returns. The queue on the way to us, behind the peer's bytes of this very stream, is one the window
 * builds: a window larger than the path needs is exactly what fills the buffers between the peer and
 * us (the kernel's, a proxy's, a router's, or a receiver that cannot keep up), and a window judged on
 * the round trip with that queue in it looks full however large it is: windows grew to their cap, the
 * queue grew with them, and at 50 ms a round trip took a second. The queue on the way from us is
 * another matter: our WINDOW_UPDATEs wait there behind the bytes we send the peer on other streams (in
 * an echo, the other direction's), however small this stream's window, and the window must cover that
 * wait or the peer runs out of credit while the update queues. So the round trip a window must cover
 * is the measured one less the queue on the way to us ({@link #creditRoundTrip}): the peer's own
 * measuring PINGs carry its clock ({@link PingStamp}), from which {@link InboundQueue} reads that
 * queue. Without them (a peer that receives no data sends none, and then we send
 * no bytes our updates could queue behind; or an older peer) it is the shortest round trip seen on
 * the connection, the path's own delay.
 *
 * <p>A window is a promise of memory: with AUTO_READ off, bytes the peer sends under it wait in
 * the stream until the local side takes them. So a stream's window grows only while its data
 * flows, never past the cap, and the windows grown on one connection together stay within
 * {@link Caps#growthBudget()}; the connection window follows that growth so one stream's larger
 * window never takes its neighbours' credit. A stream that never carries a full window keeps its
 * start window, and its growth returns to the budget when it closes.
 *
 * <p>Sits right behind the {@link Http2FrameCodec} in the connection's pipeline and passes every
 * frame on; its PINGs carry a mark of their own, so keepalive PINGs are not mistaken for them. It
 * measures while any stream receives data, also once every window is at its cap, because the peer
 * reads its own queue from our PINGs.
 */
public final class Http2WindowGrowth extends ChannelDuplexHandler {
    /** A stream whose window is this full after one round trip is limited by the window (3/4). */
    private static final int FULL_NUMERATOR = 3;

    private static final int FULL_DENOMINATOR = 4;
    /** The shortest time between two measuring PINGs, so a fast link is not flooded with them. */
    private static final long MIN_PING_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final Logger log = LoggerFactory.getLogger(Http2WindowGrowth.class);

    /**
     * The bounds of window growth on one connection.
     *
     * @param streamStart the window every stream starts with (SETTINGS_INITIAL_WINDOW_SIZE)
     * @param streamCap the largest window one stream may grow to: the most one stream may buffer
     * @param growthBudget the most all the streams of a connection may grow beyond their start, together
     */
    public record Caps(int streamStart, int streamCap, int growthBudget) {
        /** Checks that the cap is at least the start and the budget not negative. */
        public Caps {
            if (streamStart <= 0 || streamCap < streamStart || growthBudget < 0) {
                throw new IllegalArgumentException("Window caps need 0 < start <= cap and a budget >= 0, got "
                        + streamStart + ", " + streamCap + ", " + growthBudget);
            }
        }
    }

    private final Caps caps;
    private final Set<Http2Stream> sampled = new HashSet<>();
    private Http2Connection connection;
    private Http2Connection.PropertyKey sampleKey;
    private Http2Connection.PropertyKey grownKey;
    private final InboundQueue inboundQueue = new InboundQueue();
    private long pingSentAt;
    private boolean pingOutstanding;
    // The shortest measuring round trip so far: the path's delay with the least queueing in it.
    private long baseRoundTripNanos = Long.MAX_VALUE;
    private long liveGrowth;
    private long connectionGrowth;

    /** Returns a tuner for one connection whose windows grow within {@code caps}. */
    public Http2WindowGrowth(Caps caps) {
        this.caps = requireNonNull(caps, "caps");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null) {
            throw new IllegalStateException("Window growth needs an Http2FrameCodec ahead of it in the pipeline");
        }
        connection = codec.connection();
        sampleKey = connection.newKey();
        grownKey = connection.newKey();
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                sampled.remove(stream);
                liveGrowth -= grownOf(stream);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data && data.stream() != null) {
            onData(ctx, data);
        } else if (msg instanceof Http2PingFrame ping && PingStamp.isMeasuring(ping.content())) {
            if (!ping.ack()) {
                inboundQueue.onPeerStamp(ping.content(), System.nanoTime());
            } else if (pingOutstanding) {
                onRoundTrip(ctx, ping.content());
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void onData(ChannelHandlerContext ctx, Http2DataFrame data) {
        Http2Stream stream = connection.stream(data.stream().id());
        if (stream == null) {
            return;
        }
        if (!pingOutstanding) {
            // The clock is read only when a PING may go out: most DATA frames arrive while one is outstanding.
            long now = System.nanoTime();
            if (now - pingSentAt < MIN_PING_INTERVAL_NANOS && pingSentAt != 0) {
                return;
            }
            pingOutstanding = true;
            pingSentAt = now;
            ctx.writeAndFlush(new DefaultHttp2PingFrame(PingStamp.payload(now)));
        }
        if (windowOf(stream) >= caps.streamCap()) {
            return;
        }
        Long sample = stream.getProperty(sampleKey);
        stream.setProperty(sampleKey, (sample == null ? 0 : sample) + data.initialFlowControlledBytes());
        sampled.add(stream);
    }

    private void onRoundTrip(ChannelHandlerContext ctx, long payload) {
        pingOutstanding = false;
        long now = System.nanoTime();
        long roundTripNanos = Math.max(1, TimeUnit.MICROSECONDS.toNanos(PingStamp.microsSince(payload, now)));
        baseRoundTripNanos = Math.min(baseRoundTripNanos, roundTripNanos);
        long inboundQueueNanos = inboundQueue.queueNanos(now);
        long creditRoundTripNanos = creditRoundTrip(roundTripNanos, baseRoundTripNanos, inboundQueueNanos);
        if (log.isTraceEnabled()) {
            // What the queues on the path add: a round trip far above the shortest waited behind bytes.
            log.trace(
                    "Round trip {} us, the shortest {} us, the queue on the way here {} us",
                    TimeUnit.NANOSECONDS.toMicros(roundTripNanos),
                    TimeUnit.NANOSECONDS.toMicros(baseRoundTripNanos),
                    inboundQueueNanos < 0 ? "unknown" : TimeUnit.NANOSECONDS.toMicros(inboundQueueNanos));
        }
        boolean grew = false;
        for (Http2Stream stream : sampled) {
            Long sample = stream.removeProperty(sampleKey);
            int window = windowOf(stream);
            if (sample != null && windowLimits(sample, roundTripNanos, creditRoundTripNanos, window)) {
                grew |= grow(stream, window, sample, roundTripNanos, creditRoundTripNanos);
            }
        }
        sampled.clear();
        if (grew) {
            ctx.flush();
        }
    }

    /**
     * Returns the round trip a window's credit takes without the queue the window builds itself: the
     * measured {@code roundTripNanos} less {@code inboundQueueNanos}, the queue on the way to us, but
     * never under {@code baseRoundTripNanos}, the shortest round trip seen; that shortest one when the
     * inbound queue is unknown (negative).
     */
    static long creditRoundTrip(long roundTripNanos, long baseRoundTripNanos, long inboundQueueNanos) {
        if (inboundQueueNanos < 0) {
            return baseRoundTripNanos;
        }
        return Math.max(baseRoundTripNanos, roundTripNanos - inboundQueueNanos);
    }

    /**
     * Returns whether a stream that delivered {@code sample} bytes during a round trip of
     * {@code roundTripNanos} is held back by its {@code window}: whether, at that rate, one credit round
     * trip ({@code creditRoundTripNanos}, see {@link #creditRoundTrip}) carries close to a whole window.
     */
    static boolean windowLimits(long sample, long roundTripNanos, long creditRoundTripNanos, int window) {
        return bytesPerCreditRoundTrip(sample, roundTripNanos, creditRoundTripNanos) * FULL_DENOMINATOR
                >= (long) window * FULL_NUMERATOR;
    }

    /**
     * Returns the bytes one credit round trip carries at the rate of {@code sample} bytes per
     * {@code roundTripNanos}: the bandwidth-delay product the window must cover, without the queue it
     * builds on the way to us.
     */
    static long bytesPerCreditRoundTrip(long sample, long roundTripNanos, long creditRoundTripNanos) {
        if (creditRoundTripNanos >= roundTripNanos) {
            return sample;
        }
        return (long) (sample * ((double) creditRoundTripNanos / roundTripNanos));
    }

    private boolean grow(Http2Stream stream, int window, long sample, long roundTripNanos, long creditRoundTripNanos) {
        long wanted = Math.min(caps.streamCap(), 2L * window) - window;
        int delta = (int) Math.min(wanted, caps.growthBudget() - liveGrowth);
        if (delta <= 0) {
            return false;
        }
        try {
            if (liveGrowth + delta > connectionGrowth) {
                // The connection's window must cover the larger stream windows, or one stream would use
                // credit its neighbours count on.
                int connectionDelta = (int) (liveGrowth + delta - connectionGrowth);
                connection.local().flowController().incrementWindowSize(connection.connectionStream(), connectionDelta);
                connectionGrowth += connectionDelta;
            }
            connection.local().flowController().incrementWindowSize(stream, delta);
        } catch (Http2Exception e) {
            // Only a window past 2^31-1 fails, which the caps rule out; keep the window as it is.
            log.debug("Could not grow the window of stream {}: {}", stream.id(), e.getMessage());
            return false;
        }
        stream.setProperty(grownKey, grownOf(stream) + delta);
        liveGrowth += delta;
        log.debug(
                "Stream {} window grew to {} bytes ({} bytes arrived in a {} us round trip; credit took {} us of it)",
                stream.id(),
                window + delta,
                sample,
                TimeUnit.NANOSECONDS.toMicros(roundTripNanos),
                TimeUnit.NANOSECONDS.toMicros(creditRoundTripNanos));
        return true;
    }

    /** Returns the receive window {@code stream} is kept at now. */
    int windowOf(Http2Stream stream) {
        return caps.streamStart() + grownOf(stream);
    }

    private int grownOf(Http2Stream stream) {
        Integer grown = stream.getProperty(grownKey);
        return grown == null ? 0 : grown;
    }
}
