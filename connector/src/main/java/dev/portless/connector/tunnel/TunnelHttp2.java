package dev.portless.connector.tunnel;

import dev.portless.common.mux.FrameSharingCodecBuilder;
import dev.portless.common.mux.Http2WindowGrowth;
import dev.portless.common.mux.Http2Windows;
import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.channel.Channel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The HTTP/2 set-up both ends of the tunnel share.
 *
 * <p>Windows are large so one stream can fill a fast link, and per stream so a slow target stalls
 * only its own stream: the connection window is {@value #CONNECTION_WINDOW} bytes, which only
 * {@code CONNECTION_WINDOW / STREAM_WINDOW} stalled streams could exhaust.
 */
public final class TunnelHttp2 {
    /** Per-stream receive window: bytes a peer may send before the reader catches up. */
    public static final int STREAM_WINDOW = 1 << 20;
    /** Connection receive window. */
    public static final int CONNECTION_WINDOW = 256 << 20;
    /** Largest DATA frame either end accepts. */
    public static final int MAX_FRAME_SIZE = 64 << 10;
    /**
     * How far stream windows grow on a long, fast path: one stream up to 16 MiB, and all the
     * streams of one tunnel connection 128 MiB past their start together.
     */
    public static final Http2WindowGrowth.Caps WINDOW_GROWTH =
            new Http2WindowGrowth.Caps(STREAM_WINDOW, 16 << 20, 128 << 20);
    /** Streams at once on one tunnel connection. */
    public static final long MAX_CONCURRENT_STREAMS = 100_000;

    private TunnelHttp2() {}

    /** Returns the codec for the edge, which is the HTTP/2 client on the connection it accepted. */
    public static Http2FrameCodec edgeCodec() {
        return configure(FrameSharingCodecBuilder.forClient(MAX_FRAME_SIZE)).build();
    }

    /**
     * Returns the codec for the connector, which is the HTTP/2 server on the connection it dialed.
     *
     * <p>It gathers the decrypted bytes of a DATA frame that spans several TLS records as a
     * composite buffer instead of copying them into one: the payload goes to a plain TCP target,
     * which writes the pieces with one {@code writev}, so no byte is copied in user space on the way.
     */
    public static Http2FrameCodec connectorCodec() {
        Http2FrameCodec codec =
                configure(FrameSharingCodecBuilder.forServer(MAX_FRAME_SIZE)).build();
        codec.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        return codec;
    }

    /** Returns the tuner that grows this connection's stream windows with the bandwidth-delay product. */
    public static Http2WindowGrowth windowGrowth() {
        return new Http2WindowGrowth(WINDOW_GROWTH);
    }

    /** Opens the connection-level receive window beyond the 64 KiB default. */
    public static void widenConnectionWindow(Channel parent) {
        Http2Windows.widenConnectionWindow(parent, CONNECTION_WINDOW);
    }

    private static Http2FrameCodecBuilder configure(Http2FrameCodecBuilder b) {
        return b.initialSettings(new Http2Settings()
                        .initialWindowSize(STREAM_WINDOW)
                        .maxFrameSize(MAX_FRAME_SIZE)
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(16 * 1024))
                .headerSensitivityDetector((name, value) ->
                        TunnelProtocol.TUNNEL_SECRET.contentEquals(name) || ResumeProtocol.SECRET.contentEquals(name))
                // Netty caps RST_STREAM frames per connection (200 per 30 s each way) against
                // rapid-reset floods from strangers. The tunnel's peer is authenticated, and resets
                // are its normal traffic: every target that resets a connection resets a stream, and
                // every DATA frame still in flight for it draws one more. Hitting the cap would close
                // the tunnel connection with all its streams, so the tunnel does not count.
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxRstFramesPerWindow(0, 0)
                .gracefulShutdownTimeoutMillis(5_000);
    }
}
