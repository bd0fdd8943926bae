package dev.portless.common.resume;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The bytes one side has sent and the other has not yet acknowledged, kept to send again after a
 * resume. Touched from one event loop only.
 */
final class ReplayBuffer {
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    // The stream offset of the first byte of the first chunk.
    private long base;
    private long size;

    /** Returns the offset of the oldest byte kept: everything before it was acknowledged. */
    long base() {
        return base;
    }

    /** Returns the offset after the newest byte kept. */
    long end() {
        return base + size;
    }

    /** Returns how many bytes are kept. */
    long size() {
        return size;
    }

    /** Keeps {@code bytes} (takes over the caller's reference). */
    void add(ByteBuf bytes) {
        size += bytes.readableBytes();
        chunks.addLast(bytes);
    }

    /** Drops what the peer has acknowledged: every byte before {@code offset}. */
    void acknowledge(long offset) {
        long drop = Math.min(offset, end()) - base;
        while (drop > 0) {
            ByteBuf first = chunks.peekFirst();
            int n = first.readableBytes();
            if (n <= drop) {
                chunks.pollFirst().release();
                base += n;
                size -= n;
                drop -= n;
            } else {
                first.skipBytes((int) drop);
                base += drop;
                size -= drop;
                drop = 0;
            }
        }
    }

    /** Passes new references to the kept bytes from {@code offset} on, in order, to {@code sink}. */
    void forEachFrom(long offset, Consumer<ByteBuf> sink) {
        long at = base;
        for (ByteBuf chunk : chunks) {
            int n = chunk.readableBytes();
            if (at + n > offset) {
                int skip = (int) Math.max(0, offset - at);
                sink.accept(chunk.retainedSlice(chunk.readerIndex() + skip, n - skip));
            }
            at += n;
        }
    }

    /** Releases every kept byte. */
    void release() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
        base += size;
        size = 0;
    }
}
