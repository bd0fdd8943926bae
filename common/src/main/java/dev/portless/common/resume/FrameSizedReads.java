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
 */
final class FrameSizedReads implements RecvByteBufAllocator {
    private final RecvByteBufAllocator reads;

    FrameSizedReads(RecvByteBufAllocator reads) {
        this.reads = reads;
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

    /** A handle that never asks for more than one frame's worth. */
    private static final class Capped extends DelegatingHandle implements ExtendedHandle {
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
            return alloc.ioBuffer(guess());
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return extended.continueReading(maybeMoreDataSupplier);
        }
    }
}
