package dev.portless.common.resume;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The decoder of {@code portless-resume.v1} frames. A DATA frame's bytes go on in pieces as they
 * arrive (slices of what was read, no copy), so a large frame never waits whole in memory.
 */
final class ResumeFrameDecoder extends ByteToMessageDecoder {
    private static final int MAX_TEXT = 1024;
    // Bytes of the current DATA frame still to come; touched from this channel's event loop only.
    private int dataLeft;

    ResumeFrameDecoder() {
        // An HTTP/2 DATA frame's content is often a slice of a composite (the TLS records it came in), and the
        // default cumulator copies any input that is not one contiguous buffer, even when nothing is left over
        // from the last read: at the receiving end that was a third of the connector's samples (a merged copy
        // of every DATA frame, then another into the cumulation). Composing instead keeps the slices as read.
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (dataLeft > 0) {
                int n = Math.min(dataLeft, in.readableBytes());
                dataLeft -= n;
                out.add(new ResumeFrame.Data(in.readRetainedSlice(n)));
                continue;
            }
            ResumeFrame frame = next(in);
            if (frame == null) {
                return;
            }
            if (!(frame instanceof ResumeFrame.Data)) {
                out.add(frame);
            }
        }
    }

    /** Returns the next whole control frame, a DATA marker after reading a DATA header, or null. */
    private ResumeFrame next(ByteBuf in) {
        in.markReaderIndex();
        byte type = in.readByte();
        switch (type) {
            case ResumeProtocol.DATA -> {
                if (in.readableBytes() < 4) {
                    in.resetReaderIndex();
                    return null;
                }
                int length = in.readInt();
                if (length <= 0 || length > ResumeProtocol.MAX_DATA) {
                    throw new DecoderException(
                            "resume DATA length: " + length + " (expected: 1.." + ResumeProtocol.MAX_DATA + ")");
                }
                dataLeft = length;
                return new ResumeFrame.Data(null);
            }
            case ResumeProtocol.ACK -> {
                if (in.readableBytes() < 8) {
                    in.resetReaderIndex();
                    return null;
                }
                long count = in.readLong();
                if (count < 0) {
                    throw new DecoderException("resume ACK count: " + count + " (expected: >= 0)");
                }
                return new ResumeFrame.Ack(count);
            }
            case ResumeProtocol.FIN -> {
                return new ResumeFrame.Fin();
            }
            case ResumeProtocol.RESET -> {
                if (in.readableBytes() < 4) {
                    in.resetReaderIndex();
                    return null;
                }
                int code = in.readUnsignedShort();
                String reason = text(in);
                if (reason == null) {
                    in.resetReaderIndex();
                    return null;
                }
                return new ResumeFrame.Reset(code, reason);
            }
            case ResumeProtocol.HELLO -> {
                String id = text(in);
                String secret = id == null ? null : text(in);
                if (secret == null) {
                    in.resetReaderIndex();
                    return null;
                }
                return new ResumeFrame.Hello(id, secret);
            }
            default -> throw new DecoderException("resume frame type: " + type + " (expected: 1..5)");
        }
    }

    /** Returns a u16-length-prefixed UTF-8 text, or null when it has not fully arrived. */
    private static String text(ByteBuf in) {
        if (in.readableBytes() < 2) {
            return null;
        }
        int length = in.readUnsignedShort();
        if (length > MAX_TEXT) {
            throw new DecoderException("resume text length: " + length + " (expected: 0.." + MAX_TEXT + ")");
        }
        if (in.readableBytes() < length) {
            return null;
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }
}
