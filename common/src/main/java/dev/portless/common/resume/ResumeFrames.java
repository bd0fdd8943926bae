package dev.portless.common.resume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** Writers of {@code portless-resume.v1} frames into buffers. */
final class ResumeFrames {
    private ResumeFrames() {}

    /** Returns the header of a DATA frame of {@code length} bytes; the bytes follow in their own buffer. */
    static ByteBuf dataHeader(ByteBufAllocator alloc, int length) {
        return alloc.buffer(5).writeByte(ResumeProtocol.DATA).writeInt(length);
    }

    static ByteBuf ack(ByteBufAllocator alloc, long count) {
        return alloc.buffer(9).writeByte(ResumeProtocol.ACK).writeLong(count);
    }

    static ByteBuf fin(ByteBufAllocator alloc) {
        return alloc.buffer(1).writeByte(ResumeProtocol.FIN);
    }

    static ByteBuf reset(ByteBufAllocator alloc, int closeCode, String reason) {
        ByteBuf b = alloc.buffer(8 + reason.length())
                .writeByte(ResumeProtocol.RESET)
                .writeShort(closeCode);
        return text(b, reason);
    }

    static ByteBuf hello(ByteBufAllocator alloc, String streamId, String secret) {
        ByteBuf b = alloc.buffer(8 + streamId.length() + secret.length()).writeByte(ResumeProtocol.HELLO);
        return text(text(b, streamId), secret);
    }

    private static ByteBuf text(ByteBuf b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, 1024);
        return b.writeShort(n).writeBytes(bytes, 0, n);
    }
}
