package dev.portless.common.relay;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.StreamEnd;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
    private static final StreamAbort COMPLETED =
            new StreamAbort(StreamEnd.COMPLETED.closeCode(), StreamEnd.COMPLETED.sentence());
    private final Channel first;
    private final String firstName;
    private final Supplier<StreamAbort> firstLost;
    private final Channel second;
    private final String secondName;
    private final Supplier<StreamAbort> secondLost;
    private final StreamRelay firstRelay;
    private final StreamRelay secondRelay;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger inputsEnded = new AtomicInteger();
    private final AtomicReference<StreamAbort> end = new AtomicReference<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger channelsClosed = new AtomicInteger();
    private final CompletableFuture<RelayResult> done = new CompletableFuture<>();

    private RelayPair(Side first, Side second) {
        this.first = first.channel();
        this.firstName = first.name();
        this.firstLost = first.lost();
        this.second = second.channel();
        this.secondName = second.name();
        this.secondLost = second.lost();
        this.firstRelay = new StreamRelay(this, this.second, firstName, secondName);
        this.secondRelay = new StreamRelay(this, this.first, secondName, firstName);
    }

    /**
     * Returns a started relay between two active channels. A side that closes or fails without a
     * clean end or an abort of its own ends the stream with {@link StreamEnd#FAILED}, naming it.
     */
    public static RelayPair join(Channel first, String firstName, Channel second, String secondName) {
        return join(Side.of(first, firstName), Side.of(second, secondName));
    }

    /** Returns a started relay between the channels of two active sides. */
    public static RelayPair join(Side first, Side second) {
        RelayPair pair = new RelayPair(requireNonNull(first, "first"), requireNonNull(second, "second"));
        ChannelFutureListener counter = f -> pair.channelClosed(f.channel());
        pair.first.closeFuture().addListener(counter);
        pair.second.closeFuture().addListener(counter);
        add(pair.first, pair.firstRelay);
        add(pair.second, pair.secondRelay);
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

    /** Ends the stream now with {@code abort}'s close code and reason (e.g. when draining). */
    public void abort(StreamAbort abort) {
        requireNonNull(abort, "abort");
        end.compareAndSet(null, abort);
        closeBoth(abort);
    }

    /** Returns how many bytes the stream has carried so far, both directions together. */
    public long bytesRelayed() {
        return firstRelay.bytesRead() + secondRelay.bytesRead();
    }

    /** Returns whether the stream has begun to end (completed, aborted or failed). */
    public boolean ended() {
        return closing.get();
    }

    /**
     * Records that {@code channel}'s input has ended; returns whether both inputs have, in which
     * case the stream has completed and the caller ends it with {@link #finish()} once it has
     * passed the half-close on.
     */
    boolean inputEnded(Channel channel) {
        if (inputsEnded.incrementAndGet() == 2) {
            end.compareAndSet(null, COMPLETED);
            return true;
        }
        return false;
    }

    /** Closes both channels after a completed stream. */
    void finish() {
        closeBoth(null);
    }

    void abortedBy(Channel channel, StreamAbort abort) {
        // The abort goes on as it came: its sentence names the cause at the hop that saw it.
        end.compareAndSet(null, abort);
        closeBoth(abort);
    }

    void closed(Channel channel) {
        StreamAbort lost = lostEnd(channel);
        if (end.compareAndSet(null, lost)) {
            closeBoth(lost);
        } else {
            closeBoth(null);
        }
    }

    void failed(Channel channel, Throwable cause) {
        // A network error (a reset, a broken pipe) is how a side goes away abruptly: the side's own
        // end says it better than the exception's text. Anything else is named as it is.
        StreamAbort abort;
        if (cause instanceof IOException) {
            abort = lostEnd(channel);
        } else {
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            abort = StreamAbort.of(StreamEnd.FAILED, nameOf(channel) + ": " + message);
        }
        if (end.compareAndSet(null, abort)) {
            closeBoth(abort);
        } else {
            closeBoth(null);
        }
    }

    private StreamAbort lostEnd(Channel channel) {
        return channel == first ? firstLost.get() : secondLost.get();
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
        end.compareAndSet(null, lostEnd(channel));
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        StreamAbort how = end.get();
        done.complete(new RelayResult(
                firstRelay.bytesRead(), secondRelay.bytesRead(), millis, how.reason(), how.closeCode()));
    }

    /**
     * What a finished stream carried.
     *
     * @param bytesFromFirst  bytes read from the first channel and written to the second
     * @param bytesFromSecond bytes read from the second channel and written to the first
     * @param durationMillis  how long the stream lived
     * @param endReason       why it ended: "completed", or the sentence of a {@link StreamEnd}
     * @param closeCode       the close code of that end ({@link StreamEnd#closeCode()}), 1000 when completed
     */
    public record RelayResult(
            long bytesFromFirst, long bytesFromSecond, long durationMillis, String endReason, int closeCode) {
        /** Returns whether both directions ended cleanly. */
        public boolean completed() {
            return closeCode == StreamEnd.COMPLETED.closeCode();
        }
    }

    /**
     * One channel of a relay.
     *
     * @param channel the channel, active, its pipeline ending in a stream adapter
     * @param name    its name in the end sentences of {@link StreamEnd#FAILED}, e.g. "target"
     * @param lost    the end when the channel closes or fails on the network without an end of its own
     */
    public record Side(Channel channel, String name, Supplier<StreamAbort> lost) {
        /** Checks that no component is null. */
        public Side {
            requireNonNull(channel, "channel");
            requireNonNull(name, "name");
            requireNonNull(lost, "lost");
        }

        /** Returns a side whose abrupt close ends the stream with {@link StreamEnd#FAILED} naming it. */
        public static Side of(Channel channel, String name) {
            return new Side(channel, name, () -> StreamAbort.of(StreamEnd.FAILED, name + " closed the stream"));
        }
    }
}
