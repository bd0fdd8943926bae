package dev.portless.common.resume;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The handler of one carrier of a {@link ResumableEnd}: it decodes frames and hands them to the
 * end on the end's event loop (copying stream bytes when the loops differ, since a buffer read from
 * an HTTP/2 stream must not leave its loop), and writes the end's frames.
 */
final class CarrierSide extends ChannelInboundHandlerAdapter {
    private final ResumableEnd end;
    private final Channel channel;
    private final boolean sameLoop;
    // Touched from the end's loop only: whether this resumed carrier still waits for the peer's count.
    private boolean awaitingPeerCount;
    // Set on the end's loop, read on the carrier's loop too.
    private volatile boolean retired;
    private volatile boolean finishing;

    CarrierSide(ResumableEnd end, Channel channel, boolean resumed) {
        this.end = end;
        this.channel = channel;
        this.sameLoop = channel.eventLoop() == end.loop();
        this.awaitingPeerCount = resumed;
    }

    /** Installs the decoder and this handler on the end's loop, sends the first frame and starts reading. */
    void install(ResumeName hello, long received) {
        Runnable add = () -> {
            if (!channel.isActive()) {
                end.loop().execute(() -> end.onCarrierLost(this));
                return;
            }
            channel.pipeline().addLast("resume-frames", new ResumeFrameDecoder());
            channel.pipeline().addLast("resume-carrier", this);
            InboundHold hold = channel.pipeline().get(InboundHold.class);
            if (hold != null) {
                hold.release();
            }
            channel.read();
        };
        if (hello != null) {
            write(ResumeFrames.hello(alloc(), hello.streamId(), hello.secret()), true);
        }
        if (awaitingPeerCount) {
            write(ResumeFrames.ack(alloc(), received), true);
        }
        onChannelLoop(add);
    }

    ByteBufAllocator alloc() {
        return channel.alloc();
    }

    ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    boolean awaitingPeerCount() {
        return awaitingPeerCount;
    }

    void peerCounted() {
        awaitingPeerCount = false;
    }

    /**
     * Writes DATA frames of {@code bytes} (takes over the reference), each as one message: the carrier's
     * adapter makes each message an HTTP/2 DATA or WebSocket frame of its own, and every hop relays
     * frame by frame, so a header written on its own would double the frames (and their per-frame
     * costs) at the client, the edge and the connector.
     */
    void writeData(ByteBuf bytes) {
        // Reads are sized to fit (FrameSizedReads); bytes read before the end took over may not be.
        while (bytes.readableBytes() > ResumeProtocol.DATA_PER_FRAME) {
            writeFrame(bytes.readRetainedSlice(ResumeProtocol.DATA_PER_FRAME));
        }
        writeFrame(bytes);
    }

    /**
     * Writes one DATA frame of {@code bytes} (the caller keeps its reference), whose
     * {@link FrameSizedReads#HEADROOM} bytes before the reader index take the header: one buffer, no copy.
     */
    void writeDataWithHeadroom(ByteBuf bytes) {
        int start = bytes.readerIndex() - FrameSizedReads.HEADROOM;
        int n = bytes.readableBytes();
        bytes.setByte(start, ResumeProtocol.DATA);
        bytes.setInt(start + 1, n);
        channel.write(bytes.retainedSlice(start, FrameSizedReads.HEADROOM + n));
    }

    private void writeFrame(ByteBuf bytes) {
        ByteBuf header = ResumeFrames.dataHeader(alloc(), bytes.readableBytes());
        channel.write(alloc().compositeBuffer(2).addComponents(true, header, bytes));
    }

    void write(ByteBuf frame, boolean flush) {
        if (flush) {
            channel.writeAndFlush(frame);
        } else {
            channel.write(frame);
        }
    }

    void flush() {
        channel.flush();
    }

    void read() {
        channel.read();
    }

    /** Stops handing this carrier's frames to the end; {@code close} closes the channel too. */
    void retire(boolean close) {
        retired = true;
        if (close) {
            channel.close();
        }
    }

    /**
     * Ends the carrier after a finished stream: half-close, and close after {@code linger} at most.
     * Returns the future of the half-close's write.
     */
    ChannelFuture finish(long linger, TimeUnit unit) {
        retired = true;
        finishing = true;
        ChannelFuture written = channel.writeAndFlush(EndOfStream.INSTANCE);
        channel.read();
        channel.eventLoop().schedule(() -> channel.close(), linger, unit);
        return written;
    }

    /**
     * Ends the carrier after an aborted stream: the abort goes to the hops between, then the carrier
     * closes. Returns the future of the abort's write.
     */
    ChannelFuture abort(StreamAbort abort) {
        retired = true;
        finishing = true;
        return channel.writeAndFlush(abort).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ResumeFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame instanceof ResumeFrame.Data data) {
            ByteBuf bytes = sameLoop ? data.bytes() : copy(data.bytes());
            onEndLoop(() -> {
                if (retired) {
                    bytes.release();
                } else {
                    end.onData(this, bytes);
                }
            });
        } else if (frame instanceof ResumeFrame.Ack ack) {
            onEndLoop(() -> end.onAck(this, ack.count()));
        } else if (frame instanceof ResumeFrame.Fin) {
            onEndLoop(() -> end.onFin(this));
        } else if (frame instanceof ResumeFrame.Reset reset) {
            onEndLoop(() -> end.onReset(this, reset.closeCode(), reset.reason()));
        } else if (frame instanceof ResumeFrame.Hello hello) {
            onEndLoop(() -> end.onHello(this, hello.streamId(), hello.secret()));
        }
    }

    private static ByteBuf copy(ByteBuf bytes) {
        try {
            return bytes.copy();
        } finally {
            bytes.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        onEndLoop(() -> {
            if (finishing) {
                channel.read();
            } else {
                end.onReadComplete(this);
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StreamAbort abort && !finishing && !breaksOnlyTheCarrier(abort.closeCode())) {
            // An end that names the stream itself (the connector went away, a limit, a revocation)
            // is its end: no resume can bring back what it ended.
            onEndLoop(() -> {
                if (!retired) {
                    end.onReset(this, abort.closeCode(), abort.reason());
                }
                channel.close();
            });
        } else if (evt instanceof EndOfStream || evt instanceof StreamAbort) {
            ReferenceCountUtil.release(evt);
            if (finishing) {
                channel.close();
            } else {
                lost();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            onEndLoop(() -> end.onCarrierWritable(this));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lost();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lost();
        ctx.close();
    }

    /** Returns whether an abort with {@code closeCode} ends only this carrier's path, which a resume replaces. */
    private static boolean breaksOnlyTheCarrier(int closeCode) {
        return closeCode == CloseCodes.CLIENT_LOST
                || closeCode == CloseCodes.DRAINING
                || closeCode == CloseCodes.EDGE_LOST;
    }

    private void lost() {
        onEndLoop(() -> {
            if (!retired) {
                end.onCarrierLost(this);
            }
            channel.close();
        });
    }

    private void onEndLoop(Runnable task) {
        if (end.loop().inEventLoop()) {
            task.run();
        } else {
            end.loop().execute(task);
        }
    }

    private void onChannelLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }
}
