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

    private Http2Windows() {}

    /** Opens {@code parent}'s connection-level receive window to {@code window} bytes; call once the codec is active. */
    public static void widenConnectionWindow(Channel parent, int window) {
        parent.writeAndFlush(new DefaultHttp2WindowUpdateFrame(window - DEFAULT_WINDOW));
    }
}
