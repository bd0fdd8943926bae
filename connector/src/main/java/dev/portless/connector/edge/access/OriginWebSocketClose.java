package dev.portless.connector.edge.access;

import dev.portless.common.relay.StreamAbort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Close frame that a WebSocket relayed raw to its web origin ({@link OriginUpgrade}) gets when the edge ends
 * the stream (an administrator's sign-out, a drain, a stream timeout): the abort's close code and sentence
 * reach the browser's {@code onclose} and the connection then closes cleanly. The edge does not frame these
 * bytes itself, so this handler follows the origin's frames as they pass to the browser: only between two frames
 * may a Close frame go in, and only when the origin has not sent its own. Otherwise the abort goes on to the
 * stream adapter, whose close is a reset.
 *
 * <p>It sits after the client connection's stream adapter, so it sees every byte the relay writes, in order.
 */
final class OriginWebSocketClose extends ChannelOutboundHandlerAdapter {
    /** RFC 6455 5.5: a control frame's payload is 125 bytes at most, two of them the close code. */
    private static final int MAX_REASON_BYTES = 123;

    private static final int OPCODE_CLOSE = 0x8;

    // Touched from the client channel's event loop only.
    private final byte[] header = new byte[14];
    private int headerBytes;
    private long payloadLeft;
    private boolean originClosed;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            follow(bytes);
        } else if (msg instanceof StreamAbort abort && betweenFrames() && !originClosed) {
            originClosed = true;
            ctx.write(closeFrame(ctx, abort), promise);
            return;
        }
        ctx.write(msg, promise);
    }

    /** Returns whether the bytes written so far end with a whole frame. */
    boolean betweenFrames() {
        return headerBytes == 0 && payloadLeft == 0;
    }

    /** Reads the frame boundaries in {@code bytes}, which go on unchanged. */
    private void follow(ByteBuf bytes) {
        int i = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (i < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= skip;
                i += skip;
                continue;
            }
            header[headerBytes++] = bytes.getByte(i++);
            int needed = headerLength();
            if (headerBytes == needed) {
                if ((header[0] & 0x0f) == OPCODE_CLOSE) {
                    originClosed = true;
                }
                payloadLeft = payloadLength();
                headerBytes = 0;
            }
        }
    }

    /** Returns the length of the header being read, as far as its first two bytes tell (2 before them). */
    private int headerLength() {
        if (headerBytes < 2) {
            return 2;
        }
        int length7 = header[1] & 0x7f;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + extended + mask;
    }

    private long payloadLength() {
        int length7 = header[1] & 0x7f;
        if (length7 < 126) {
            return length7;
        }
        int bytes = length7 == 126 ? 2 : 8;
        long length = 0;
        for (int k = 0; k < bytes; k++) {
            length = (length << 8) | (header[2 + k] & 0xff);
        }
        return length;
    }

    /** Returns an unmasked Close frame (a server's) with the abort's code and its sentence, cut to fit. */
    private static ByteBuf closeFrame(ChannelHandlerContext ctx, StreamAbort abort) {
        byte[] reason = utf8Prefix(abort.reason(), MAX_REASON_BYTES);
        ByteBuf frame = ctx.alloc().buffer(4 + reason.length);
        frame.writeByte(0x80 | OPCODE_CLOSE);
        frame.writeByte(2 + reason.length);
        frame.writeShort(abort.closeCode());
        frame.writeBytes(reason);
        return frame;
    }

    /** Returns the UTF-8 of {@code text}, cut at a character boundary to {@code maxBytes} at most. */
    static byte[] utf8Prefix(String text, int maxBytes) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate(maxBytes);
        // An encoder that runs out of room stops before the character that does not fit.
        encoder.encode(CharBuffer.wrap(text), out, true);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }
}
