package dev.portless.common.relay;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.CloseCodes;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two channels joined into one stream: what either reads, the other writes, until both
 * directions have ended or one side fails.
 *
 * <p>Each channel's pipeline must already end with a stream adapter that turns its framing into
 * {@code ByteBuf}s and {@link EndOfStream} (see {@link SocketStreamAdapter},
 * {@link WebSocketStreamAdapter}, {@link Http2StreamAdapter}), optionally followed by an
 * {@link InboundHold}; {@link #join} appends the relays and releases what was held.
 */
public final class RelayPair {
    private final Channel first;
    private final String firstName;
    private final Channel second;
    private final String secondName;
    private final StreamRelay firstRelay;
    private final StreamRelay secondRelay;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger inputsEnded = new AtomicInteger();
    private final AtomicReference<String> endReason = new AtomicReference<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger channelsClosed = new AtomicInteger();
    private final CompletableFuture<RelayResult> done = new CompletableFuture<>();

    private RelayPair(Channel first, String firstName, Channel second, String secondName) {
        this.first = first;
        this.firstName = firstName;
        this.second = second;
        this.secondName = secondName;
        this.firstRelay = new StreamRelay(this, second);
        this.secondRelay = new StreamRelay(this, first);
    }

    /**
     * Returns a started relay between two active channels. The names appear in end reasons,
     * e.g. "client closed".
     */
    public static RelayPair join(Channel first, String firstName, Channel second, String secondName) {
        requireNonNull(first, "first");
        requireNonNull(second, "second");
        RelayPair pair = new RelayPair(
                first, requireNonNull(firstName, "firstName"), second, requireNonNull(secondName, "secondName"));
        ChannelFutureListener counter = f -> pair.channelClosed(f.channel());
        first.closeFuture().addListener(counter);
        second.closeFuture().addListener(counter);
        add(first, pair.firstRelay);
        add(second, pair.secondRelay);
        return pair;
    }

    private static void add(Channel channel, StreamRelay relay) {
        if (channel.eventLoop().inEventLoop()) {
            addNow(channel, relay);
        } else {
            channel.eventLoop().execute(() -> addNow(channel, relay));
        }
    }

    private static void addNow(Channel channel, StreamRelay relay) {
        channel.pipeline().addLast("relay", relay);
        InboundHold hold = channel.pipeline().get(InboundHold.class);
        if (hold != null) {
            hold.release();
        }
    }

    /** Returns a future completed once both channels have closed. */
    public CompletableFuture<RelayResult> done() {
        return done;
    }

    /** Ends the stream now with the given close code and reason (e.g. when draining). */
    public void abort(int closeCode, String reason) {
        endReason.compareAndSet(null, reason);
        closeBoth(new StreamAbort(closeCode, reason));
    }

    /**
     * Records that {@code channel}'s input has ended; returns whether both inputs have, in which
     * case the stream has completed and the caller ends it with {@link #finish()} once it has
     * passed the half-close on.
     */
    boolean inputEnded(Channel channel) {
        if (inputsEnded.incrementAndGet() == 2) {
            endReason.compareAndSet(null, "completed");
            return true;
        }
        return false;
    }

    /** Closes both channels after a completed stream. */
    void finish() {
        closeBoth(null);
    }

    void abortedBy(Channel channel, StreamAbort abort) {
        endReason.compareAndSet(null, nameOf(channel) + " ended the stream: " + abort.reason());
        closeBoth(abort);
    }

    void closed(Channel channel) {
        if (endReason.compareAndSet(null, nameOf(channel) + " closed")) {
            closeBoth(new StreamAbort(CloseCodes.STREAM_RESET, nameOf(channel) + " closed the stream"));
        } else {
            closeBoth(null);
        }
    }

    void failed(Channel channel, Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (endReason.compareAndSet(null, nameOf(channel) + " error: " + message)) {
            closeBoth(new StreamAbort(CloseCodes.STREAM_RESET, nameOf(channel) + " failed: " + message));
        } else {
            closeBoth(null);
        }
    }

    /** Returns whether the stream is being closed, after both inputs ended or on a failure or abort. */
    boolean isEnding() {
        return closing.get();
    }

    private String nameOf(Channel channel) {
        return channel == first ? firstName : secondName;
    }

    private void closeBoth(StreamAbort abort) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        // Queue behind writes other threads have already submitted (such as an EndOfStream).
        closeAfterFlush(first, abort);
        closeAfterFlush(second, abort);
    }

    private static void closeAfterFlush(Channel channel, StreamAbort abort) {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                channel.close();
                return;
            }
            Object last = abort == null ? Unpooled.EMPTY_BUFFER : abort;
            channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        });
    }

    private void channelClosed(Channel channel) {
        if (channelsClosed.incrementAndGet() < 2) {
            // Netty completes the close future before channelInactive reaches the relay, so this is
            // where an abrupt close is first seen: end the other side with a reason, not silently.
            closed(channel);
            return;
        }
        endReason.compareAndSet(null, "closed");
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        done.complete(new RelayResult(firstRelay.bytesRead(), secondRelay.bytesRead(), millis, endReason.get()));
    }

    /**
     * What a finished stream carried.
     *
     * @param bytesFromFirst  bytes read from the first channel and written to the second
     * @param bytesFromSecond bytes read from the second channel and written to the first
     * @param durationMillis  how long the stream lived
     * @param endReason       why it ended: "completed", "client closed", "target error: …"
     */
    public record RelayResult(long bytesFromFirst, long bytesFromSecond, long durationMillis, String endReason) {}
}
