package dev.portless.common.mux;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;

/**
 * The one flow-control step HTTP/2 settings cannot express: SETTINGS_INITIAL_WINDOW_SIZE
 * sets every stream's receive window, but the connection's own window starts at 64 KiB and only a
 * WINDOW_UPDATE on stream 0 widens it.
 */
public final class Http2Windows {
    /** The connection window every HTTP/2 connection starts with (RFC 9113, 6.9.2). */
    public static final int DEFAULT_WINDOW = 65_535;
    /**
     * Netty's window-update ratio for stream windows: a receiver returns the credit of the bytes it has
     * taken once what is left of the window falls to this share of it. Seven eighths, so credit goes
     * back after each eighth of a window taken, where Netty's default (a half) returns it in halves.
     *
     * <p>Why: with credit returned in halves, a sender that its window holds back has between a half and
     * the whole window on the way, depending on where the last update fell, so a round trip delivers
     * anywhere from half its window up, and {@link Http2WindowGrowth}'s three-quarters rule misses it.
     * At 50 ms one download delivered 1 MiB per round trip with a 2 MiB window and that window never grew
     * again (20 MB/s for the whole transfer). With eighths, a sender held back by its window has at least
     * seven eighths of it on the way in every round trip. The cost is one more WINDOW_UPDATE frame
     * (13 bytes) per eighth of a window taken, at most one per stream and read of the connection.
     */
    public static final float WINDOW_UPDATE_RATIO = 0.875f;

    private Http2Windows() {}

    /** Opens {@code parent}'s connection-level receive window to {@code window} bytes; call once the codec is active. */
    public static void widenConnectionWindow(Channel parent, int window) {
        parent.writeAndFlush(new DefaultHttp2WindowUpdateFrame(window - DEFAULT_WINDOW));
    }
}
