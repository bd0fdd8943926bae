package dev.portless.access.forward;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code access ssh}'s relay between stdin/stdout and one edge stream.
 *
 * <p>Standard streams block, so each has its own thread and the event loop never waits on them.
 * Backpressure both ways: the stdin thread waits while the stream is not writable, and the stream
 * reads only while less than {@link AccessLimits#MAX_STDOUT_BUFFERED} bytes wait for stdout.
 *
 * <p>The stdout thread gets copies, never the stream's buffers: an HTTP/2 DATA frame is a slice of
 * the connection's receive buffer, which the event loop goes on filling, and even reading a Netty
 * buffer moves state that buffer shares with its writer (the cached NIO buffer of the adaptive
 * allocator's buffers), so a read on another thread can make the loop's next write land on bytes
 * not yet written to stdout.
 */
public final class StdioForwarder {
    private static final Object END = new Object();

    private final Channel stream;
    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<Object> toStdout = new LinkedBlockingQueue<>();
    private final AtomicLong buffered = new AtomicLong();
    private final Object writable = new Object();
    private volatile String abortReason;
    private volatile boolean endReceived;

    /** Returns a forwarder for a stream whose pipeline ends in a stream adapter, reads off. */
    public StdioForwarder(Channel stream, InputStream in, OutputStream out) {
        this.stream = requireNonNull(stream, "stream");
        this.in = requireNonNull(in, "in");
        this.out = requireNonNull(out, "out");
    }

    /**
     * Relays until the stream closes; returns null when it ended normally, else the reason the
     * other side gave.
     */
    public String run() throws InterruptedException {
        stream.eventLoop().execute(() -> {
            stream.pipeline().addLast("stdio", new ToStdout());
            // Frames the edge sent right behind its 101 wait in the hold: hand them on, in order.
            InboundHold hold = stream.pipeline().get(InboundHold.class);
            if (hold != null) {
                hold.release();
            }
        });
        Thread reader = new Thread(this::pumpStdin, "stdin");
        reader.setDaemon(true);
        reader.start();
        Thread writer = new Thread(this::pumpStdout, "stdout");
        writer.start();
        stream.read();
        stream.closeFuture().await();
        toStdout.add(END);
        writer.join();
        if (abortReason == null && !endReceived) {
            // Closed with neither the edge's end of the stream nor its abort: the connection broke.
            abortReason = StreamEnd.EDGE_LOST.sentence();
        }
        return abortReason;
    }

    private void pumpStdin() {
        byte[] buf = new byte[AccessLimits.STDIN_CHUNK];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                stream.writeAndFlush(Unpooled.copiedBuffer(buf, 0, n));
                awaitWritable();
            }
            stream.writeAndFlush(EndOfStream.INSTANCE);
        } catch (IOException | InterruptedException e) {
            stream.close();
        }
    }

    private void awaitWritable() throws InterruptedException {
        synchronized (writable) {
            while (stream.isActive() && !stream.isWritable()) {
                writable.wait(100);
            }
        }
    }

    private void pumpStdout() {
        try {
            while (true) {
                Object next = toStdout.take();
                if (next == END) {
                    break;
                }
                if (next instanceof EndOfStream) {
                    out.flush();
                    out.close();
                    continue;
                }
                byte[] bytes = (byte[]) next;
                out.write(bytes);
                if (toStdout.isEmpty()) {
                    out.flush();
                }
                if (buffered.addAndGet(-bytes.length) < AccessLimits.MAX_STDOUT_BUFFERED / 2) {
                    stream.read();
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            stream.close();
        }
    }

    /** Hands what the stream reads to the stdout thread. */
    private final class ToStdout extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                // Copied here, on the loop, and released at once: see the class comment.
                byte[] bytes = ByteBufUtil.getBytes(buf);
                buf.release();
                buffered.addAndGet(bytes.length);
                toStdout.add(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (buffered.get() < AccessLimits.MAX_STDOUT_BUFFERED) {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof EndOfStream) {
                endReceived = true;
                toStdout.add(EndOfStream.INSTANCE);
                ctx.read();
            } else if (evt instanceof StreamAbort abort) {
                abortReason = abort.reason();
                ctx.close();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            synchronized (writable) {
                writable.notifyAll();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            abortReason = cause.getMessage();
            ctx.close();
        }
    }
}
