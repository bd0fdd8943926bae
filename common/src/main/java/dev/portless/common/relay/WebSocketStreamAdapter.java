package dev.portless.common.relay;

import dev.portless.common.wire.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * A WebSocket connection seen as a stream of bytes (Portless's default framing).
 *
 * <p>Binary messages carry raw stream bytes. The edge sends at most {@link #MAX_MESSAGE} each,
 * because stock cloudflared peers truncate larger ones. A Close frame means "no more bytes from me": the other
 * direction stays open until its sender closes too, which gives WebSocket the half-close TCP has.
 */
public final class WebSocketStreamAdapter extends ChannelDuplexHandler {
    /** The largest binary message this adapter sends by default. */
    public static final int MAX_MESSAGE = 16 * 1024;
    /**
     * The largest frame payload a client may send the edge, and so the largest message the CLI
     * sends; the edge closes with 1009 before it reads a larger one.
     */
    public static final int MAX_CLIENT_FRAME = 64 * 1024;

    private final int maxMessage;
    // Both flags are touched from this channel's event loop only.
    private boolean closeSent;
    private boolean closeReceived;

    /** Returns an adapter that sends messages of at most {@link #MAX_MESSAGE} bytes (what the edge sends). */
    public WebSocketStreamAdapter() {
        this(MAX_MESSAGE);
    }

    /**
     * Returns an adapter that sends messages of at most {@code maxMessage} bytes. The CLI sends the
     * edge up to what the edge accepts: fewer, larger messages mean fewer frames to decode and
     * fewer HTTP/2 DATA frames to merge on the edge.
     */
    public WebSocketStreamAdapter(int maxMessage) {
        if (maxMessage < 1 || maxMessage > 1 << 20) {
            throw new IllegalArgumentException("maxMessage: " + maxMessage + " (expected: 1..1048576)");
        }
        this.maxMessage = maxMessage;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content());
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            ctx.read();
        } else if (msg instanceof PongWebSocketFrame pong) {
            // RFC 6455 5.5.3: an unsolicited Pong is a heartbeat; it carries no stream bytes.
            pong.release();
            ctx.read();
        } else if (msg instanceof CloseWebSocketFrame close) {
            int code = close.statusCode();
            String reason = close.reasonText();
            close.release();
            if (!closeReceived) {
                closeReceived = true;
                // 1000, or no code at all (-1), is the half-close; anything else ends the stream.
                ctx.fireUserEventTriggered(
                        code == CloseCodes.NORMAL || code == -1
                                ? EndOfStream.INSTANCE
                                : new StreamAbort(code, reason.isEmpty() ? "close code " + code : reason));
            }
        } else if (msg instanceof WebSocketFrame) {
            ReferenceCountUtil.release(msg);
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(CloseCodes.UNSUPPORTED_DATA, "binary messages only"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf && !buf.isReadable()) {
            // An empty buffer is a flush marker (RelayPair's last write), not a message.
            ctx.write(buf, promise);
        } else if (msg instanceof ByteBuf buf && closeSent) {
            buf.release();
            promise.setFailure(new IllegalStateException("stream bytes after the WebSocket Close frame"));
        } else if (msg instanceof ByteBuf buf) {
            writeMessages(ctx, buf, promise);
        } else if (msg instanceof EndOfStream) {
            sendClose(ctx, new CloseWebSocketFrame(CloseCodes.NORMAL, ""), promise);
        } else if (msg instanceof StreamAbort abort) {
            sendClose(ctx, new CloseWebSocketFrame(abort.closeCode(), truncate(abort.reason())), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Returns whether this side has received the peer's Close frame. */
    public boolean closeReceived() {
        return closeReceived;
    }

    private void sendClose(ChannelHandlerContext ctx, CloseWebSocketFrame frame, ChannelPromise promise) {
        if (closeSent) {
            frame.release();
            promise.setSuccess();
            return;
        }
        closeSent = true;
        ctx.write(frame, promise);
    }

    private void writeMessages(ChannelHandlerContext ctx, ByteBuf buf, ChannelPromise promise) {
        // Slices share the buffer: splitting copies nothing.
        while (buf.readableBytes() > maxMessage) {
            ctx.write(new BinaryWebSocketFrame(buf.readRetainedSlice(maxMessage)), ctx.voidPromise());
        }
        ctx.write(new BinaryWebSocketFrame(buf), promise);
    }

    private static String truncate(String reason) {
        // A close reason must fit the 125-byte control frame with its 2-byte code: count UTF-8 bytes.
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > 123) {
                return reason.substring(0, i);
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return reason;
    }
}
