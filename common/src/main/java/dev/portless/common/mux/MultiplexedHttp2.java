package dev.portless.common.mux;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * What the CLI and the edge agree on for HTTP/2 client connections: streams on one TLS
 * connection, each an HTTP/2 {@code CONNECT} to an app (RFC 9113, section 8.5) whose DATA frames
 * carry the stream's bytes and whose END_STREAM is the half-close; a connection outlives its
 * streams, so the next one needs no handshake.
 *
 * <p>The connection is negotiated by ALPN as {@link #ALPN}, not {@code h2}: browsers offer
 * {@code h2} too, and the edge's pages are served over HTTP/1.1 only. A client that does not get
 * {@link #ALPN} falls back to one WebSocket per stream, which every edge and stock cloudflared
 * clients speak.
 */
public final class MultiplexedHttp2 {
    /** The ALPN protocol id of a multiplexed client connection. */
    public static final String ALPN = "portless-h2";
    /** Per-stream receive window: bytes a peer may send before the reader catches up. */
    public static final int STREAM_WINDOW = 1 << 20;
    /** Largest DATA frame either end accepts. */
    public static final int MAX_FRAME_SIZE = 64 << 10;
    /**
     * How far stream windows grow on a long, fast path: one stream up to 16 MiB (a gigabit at
     * 130 ms round trip), and all the streams of a connection 64 MiB past their start together.
     */
    public static final Http2WindowGrowth.Caps WINDOW_GROWTH =
            new Http2WindowGrowth.Caps(STREAM_WINDOW, 16 << 20, 64 << 20);
    /** Streams the edge allows at once on one client connection. */
    public static final int MAX_CONCURRENT_STREAMS = 256;
    /**
     * Connection receive window: room for every stream's full window, so streams whose readers
     * stall (a slow target, a paused client) can never use up the connection's credit and stop
     * their neighbours; what a stream may buffer stays bounded by {@link #STREAM_WINDOW}.
     */
    public static final int CONNECTION_WINDOW = STREAM_WINDOW * MAX_CONCURRENT_STREAMS;
    /** Largest block of headers either end accepts: credentials are the biggest part. */
    public static final int MAX_HEADER_LIST_SIZE = 32 * 1024;
    /** Largest error body the CLI reads from a refused stream. */
    public static final int MAX_ERROR_BODY = 16 * 1024;

    private MultiplexedHttp2() {}

    /** Returns the edge's codec. */
    public static Http2FrameCodec serverCodec() {
        return configure(FrameSharingCodecBuilder.forServer(MAX_FRAME_SIZE)).build();
    }

    /** Returns the CLI's codec. */
    public static Http2FrameCodec clientCodec() {
        return configure(FrameSharingCodecBuilder.forClient(MAX_FRAME_SIZE)).build();
    }

    /** Returns the tuner that grows this connection's stream windows with the bandwidth-delay product. */
    public static Http2WindowGrowth windowGrowth() {
        return new Http2WindowGrowth(WINDOW_GROWTH);
    }

    /** Opens the connection-level receive window beyond the 64 KiB default; call once the codec is active. */
    public static void widenConnectionWindow(Channel parent) {
        Http2Windows.widenConnectionWindow(parent, CONNECTION_WINDOW);
    }

    private static Http2FrameCodecBuilder configure(Http2FrameCodecBuilder b) {
        return b.initialSettings(new Http2Settings()
                        .initialWindowSize(STREAM_WINDOW)
                        .maxFrameSize(MAX_FRAME_SIZE)
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(MAX_HEADER_LIST_SIZE))
                // Credentials travel in headers: never into HPACK's dynamic table.
                .headerSensitivityDetector((name, value) -> true)
                .gracefulShutdownTimeoutMillis(5_000);
    }
}
