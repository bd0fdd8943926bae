package dev.portless.common.resume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The read-buffer sizing of a resumable end's plain channel: the channel's own allocator, with no
 * read larger than {@link ResumeProtocol#DATA_PER_FRAME}, so that one read makes one DATA frame
 * that fits, header and all, in one 64 KiB HTTP/2 or WebSocket frame. Netty's adaptive reads of
 * 64 KiB made a 64 KiB frame and a 5-byte one per read at every hop.
 *
 * <p>Each read buffer also starts with {@link #HEADROOM} free bytes before what is read, where the
 * DATA header is written: the frame then goes out as one contiguous buffer, not a composite of a
 * header and the bytes (an extra buffer at every write and, with OpenSSL, an extra TLS record).
 */
final class FrameSizedReads implements RecvByteBufAllocator {
    /** The free bytes in front of every read buffer: one DATA header. */
    static final int HEADROOM = 5;

    private final RecvByteBufAllocator reads;
    // The buffer handed out for the read in progress; touched from the plain channel's event loop only.
    private ByteBuf lastAllocated;

    FrameSizedReads(RecvByteBufAllocator reads) {
        this.reads = reads;
    }

    /**
     * Returns whether {@code buf} is the buffer of this allocator's last read, untouched since, so
     * that its {@link #HEADROOM} bytes before the reader index are free for a header.
     */
    boolean hasHeadroom(ByteBuf buf) {
        return buf == lastAllocated && buf.readerIndex() == HEADROOM;
    }

    @Override
    public Handle newHandle() {
        Handle handle = reads.newHandle();
        if (!(handle instanceof ExtendedHandle extended)) {
            throw new IllegalStateException("The plain channel's read allocator has no extended handle: "
                    + reads.getClass().getName() + "; use Netty's adaptive one.");
        }
        return new Capped(extended);
    }

    /** A handle that never asks for more than one frame's worth, and leaves room for its header. */
    private final class Capped extends DelegatingHandle implements ExtendedHandle {
        private final ExtendedHandle extended;

        Capped(ExtendedHandle extended) {
            super(extended);
            this.extended = extended;
        }

        @Override
        public int guess() {
            return Math.min(super.guess(), ResumeProtocol.DATA_PER_FRAME);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf buf = alloc.ioBuffer(guess() + HEADROOM);
            buf.setIndex(HEADROOM, HEADROOM);
            lastAllocated = buf;
            return buf;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return extended.continueReading(maybeMoreDataSupplier);
        }
    }
}
