package dev.portless.common.resume;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One end of a resumable stream: a plain channel (the local connection at {@code access}, the
 * target at the connector) joined to a carrier (the stream through the edge) that may break and be
 * replaced without the plain channel noticing.
 *
 * <p>Each direction counts its bytes; a FIN counts as one more. The receiver acknowledges what it
 * has written to its plain channel; the sender keeps what is not acknowledged in a {@link ReplayBuffer}
 * and sends it again on the next carrier. The plain channel is read only while the carrier is writable
 * and the replay buffer holds less than its limit, so a long cut stops the source instead of growing
 * memory, and the limit is the stream's end-to-end window: the receiver reads its carrier whether or
 * not its plain channel is writable, since what waits there is at most the sender's limit. Reading
 * the carrier only when the plain side is writable would let acknowledgements queue behind this
 * end's own stalled bytes, and two ends that each wait for the other's acknowledgement stall for good.
 *
 * <p>The end keeps the carriers and the stream's life; its {@code SendingHalf} reads the plain channel
 * and keeps the replay buffer, its {@code ReceivingHalf} writes to the plain channel and acknowledges.
 * Everything runs on the plain channel's event loop; a carrier on another loop hands its frames over
 * as copies.
 */
public final class ResumableEnd {
    /** What the owner of an end hears about. */
    public interface Events {
        /** The carrier ended before the stream did; attach another one, or {@link #abort}. */
        void detached(ResumableEnd end);

        /** The stream ended, with a reason; {@code completed} when both directions ended cleanly. */
        void ended(ResumableEnd end, String reason, boolean completed);

        /**
         * Returns the end when the plain channel breaks (a reset, a close without an end);
         * {@code detail} says how. The owner names it from the table of stream ends.
         */
        default StreamAbort plainLost(String detail) {
            return new StreamAbort(CloseCodes.STREAM_RESET, detail);
        }

        /** The connector named the stream and its secret (on a new stream at the client). */
        default void named(ResumableEnd end, String streamId, String secret) {}
    }

    /**
     * How long a finished end waits for the peer to close the carrier after its own last frame. As long as
     * {@code access}'s drain (10 s): on a loaded machine the peer's END_STREAM can take seconds, and a carrier
     * closed before it arrives reads at the edge as a client that went away from a stream that completed.
     */
    private static final long CARRIER_LINGER_SECONDS = 10;

    private final Channel plain;
    private final String plainName;
    private final EventLoop loop;
    private final Events events;
    private final EndCounters counters = new EndCounters();
    private final SendingHalf sending;
    private final ReceivingHalf receiving;
    private final CompletableFuture<Boolean> settled = new CompletableFuture<>();
    // All fields below are touched from the plain channel's event loop only.
    private boolean ended;
    private CarrierSide carrier;
    private long resumes;

    private ResumableEnd(Channel plain, String plainName, ReplayLimit replayLimit, Events events) {
        this.plain = plain;
        this.plainName = plainName;
        this.loop = plain.eventLoop();
        this.events = events;
        this.sending = new SendingHalf(this, plain, replayLimit, counters);
        this.receiving = new ReceivingHalf(this, plain);
    }

    /**
     * Returns an end over {@code plain} with a fixed replay limit of {@code replayLimit} bytes; see
     * {@link #start(Channel, String, long, long, Events)}.
     */
    public static ResumableEnd start(Channel plain, String plainName, long replayLimit, Events events) {
        return start(plain, plainName, replayLimit, replayLimit, events);
    }

    /**
     * Returns an end over {@code plain}, whose pipeline ends in a stream adapter (and perhaps an
     * {@link InboundHold}); nothing is read until a carrier is attached. {@code plainName} names the
     * plain channel in end reasons, e.g. "target". The end keeps at most {@code replayStart} unacknowledged
     * bytes at first, and up to {@code replayCap} once the peer shows that the limit holds the stream back
     * ({@link ReplayLimit}).
     */
    public static ResumableEnd start(Channel plain, String plainName, long replayStart, long replayCap, Events events) {
        requireNonNull(plain, "plain");
        requireNonNull(plainName, "plainName");
        requireNonNull(events, "events");
        ReplayLimit replayLimit = new ReplayLimit(replayStart, replayCap, System::nanoTime);
        ResumableEnd end = new ResumableEnd(plain, plainName, replayLimit, events);
        end.onLoop(() -> {
            end.sending.sizeReads();
            plain.pipeline().addLast("resume-plain", end.sending);
            InboundHold hold = plain.pipeline().get(InboundHold.class);
            if (hold != null) {
                hold.release();
            }
            end.counters.start(end, plainName, end.sending::replaying);
        });
        return end;
    }

    /** Returns the event loop every state change runs on. */
    public EventLoop loop() {
        return loop;
    }

    /** Returns the plain channel. */
    public Channel plain() {
        return plain;
    }

    /** Returns how many bytes (plus one for an end) this end has received. Call it on {@link #loop()}. */
    public long received() {
        return receiving.received();
    }

    /** Returns how many bytes (plus one for an end) this end has sent. Call it on {@link #loop()}. */
    public long sent() {
        return sending.sent();
    }

    /** Returns how many of the sent bytes the peer has acknowledged. Call it on {@link #loop()}. */
    public long acknowledged() {
        return sending.acknowledged();
    }

    /** Returns how many bytes wait in the replay buffer. Call it on {@link #loop()}. */
    public long replaying() {
        return sending.replaying();
    }

    /** Returns how many times a carrier was attached after the first. */
    public long resumes() {
        return resumes;
    }

    /** Returns whether a carrier is attached. Call it on {@link #loop()}. */
    public boolean attached() {
        return carrier != null;
    }

    /**
     * Returns a future that completes, with whether the stream completed, once the stream has ended,
     * its last carrier has closed and that carrier's last frame has been written: a process that exits
     * sooner cuts the carrier before the other end has heard that the stream completed.
     */
    public CompletableFuture<Boolean> settled() {
        return settled;
    }

    /** Returns whether the stream has ended. Call it on {@link #loop()}. */
    public boolean ended() {
        return ended;
    }

    /**
     * Returns whether the peer has acknowledged anything yet, on any carrier: a client does so as soon as
     * the connector's HELLO reaches it, so before that the client cannot resume the stream. Call it on
     * {@link #loop()}.
     */
    public boolean peerHeard() {
        return sending.peerHeard();
    }

    /**
     * Attaches the first carrier; at the connector {@code hello} names the stream to the client
     * first (null at the client). The carrier's pipeline ends in a stream adapter and a hold.
     */
    public void attachFirst(Channel carrier, ResumeName hello) {
        requireNonNull(carrier, "carrier");
        onLoop(() -> attach(carrier, false, hello));
    }

    /**
     * Attaches a carrier after a break: this end first sends its received count and waits for the
     * peer's, then sends again what the peer has not acknowledged.
     */
    public void attachResumed(Channel carrier) {
        requireNonNull(carrier, "carrier");
        onLoop(() -> attach(carrier, true, null));
    }

    /** Ends the stream: the peer hears the reason if a carrier is attached, the plain channel is aborted. */
    public void abort(StreamAbort abort) {
        requireNonNull(abort, "abort");
        onLoop(() -> end(abort.closeCode(), abort.reason(), true));
    }

    private void attach(Channel channel, boolean resumed, ResumeName hello) {
        if (ended) {
            channel.close();
            return;
        }
        if (carrier != null) {
            // A resume that arrives before the old carrier's end was noticed takes its place.
            carrier.retire(true);
        }
        if (resumed) {
            resumes++;
        }
        CarrierSide side = new CarrierSide(this, channel, resumed);
        carrier = side;
        side.install(hello, receiving.received());
        if (resumed) {
            // The resume acknowledges all that was received: the plain channel keeps what it has not written.
            receiving.resumed();
        } else {
            // What the plain side sent before the first carrier came (held early bytes) goes now.
            sending.replayTo(side);
            side.flush();
        }
        sending.readIfRoom();
    }

    /** Returns the attached carrier, or null. */
    CarrierSide carrier() {
        return carrier;
    }

    // ---- called by CarrierSide, on this end's loop ----

    void onData(CarrierSide from, ByteBuf bytes) {
        if (from != carrier || ended || receiving.finReceived()) {
            bytes.release();
            return;
        }
        receiving.data(bytes);
    }

    void onReadComplete(CarrierSide from) {
        if (from != carrier || ended) {
            return;
        }
        plain.flush();
        from.read();
    }

    void onAck(CarrierSide from, long count) {
        if (from != carrier || ended) {
            return;
        }
        counters.acksReceived++;
        if (!sending.inStep(count)) {
            end(CloseCodes.STREAM_RESET, sending.outOfStep(count), true);
            return;
        }
        sending.acknowledge(count);
        if (from.awaitingPeerCount()) {
            from.peerCounted();
            sending.replayTo(from);
            from.flush();
            from.read();
        }
        sending.readIfRoom();
        completeIfDone();
    }

    void onFin(CarrierSide from) {
        if (from != carrier || ended || receiving.finReceived()) {
            return;
        }
        receiving.fin();
        if (!ended) {
            from.read();
        }
    }

    void onReset(CarrierSide from, int closeCode, String reason) {
        if (from != carrier || ended) {
            return;
        }
        end(closeCode, reason, false);
    }

    void onHello(CarrierSide from, String streamId, String secret) {
        if (from == carrier && !ended) {
            events.named(this, streamId, secret);
            // Tells the connector at once that this end holds the stream's name and can resume it, even
            // when no byte has come yet to acknowledge; what was acknowledged already is acknowledged again.
            counters.acksSent++;
            from.write(ResumeFrames.ack(from.alloc(), receiving.acknowledged()), true);
        }
    }

    void onCarrierWritable(CarrierSide from) {
        if (from == carrier) {
            counters.carrierWritable++;
            sending.readIfRoom();
        }
    }

    /** The carrier ended (closed, aborted, or half-closed by a peer that has not completed). */
    void onCarrierLost(CarrierSide from) {
        if (from != carrier || ended) {
            return;
        }
        carrier = null;
        from.retire(false);
        events.detached(this);
    }

    // ---- called by the halves, on this end's loop ----

    /** Sends an acknowledgement of {@code count} on the carrier; returns false when none is attached. */
    boolean sendAck(long count) {
        if (ended || carrier == null) {
            return false;
        }
        counters.acksSent++;
        carrier.write(ResumeFrames.ack(carrier.alloc(), count), true);
        return true;
    }

    /** Ends the stream because its plain channel could not take what was received. */
    void plainWriteFailed(Throwable cause) {
        end(CloseCodes.STREAM_RESET, plainName() + " failed: " + cause.getMessage(), true);
    }

    /** Ends the stream with the abort its plain channel's side passed on. */
    void plainAborted(StreamAbort abort) {
        end(abort.closeCode(), abort.reason(), true);
    }

    /** Ends the stream because its plain channel broke; {@code how} says how ("closed", "failed: ..."). */
    void plainLost(String how) {
        StreamAbort abort = events.plainLost(plainName() + " " + how);
        end(abort.closeCode(), abort.reason(), true);
    }

    /** Ends the stream as completed once both directions have ended and each end was acknowledged. */
    void completeIfDone() {
        if (sending.finAcknowledged() && receiving.allAcknowledged() && !ended) {
            ended = true;
            counters.stop();
            CarrierSide last = carrier;
            carrier = null;
            sending.release();
            plain.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            Future<?> lastWrite = last == null ? null : last.finish(CARRIER_LINGER_SECONDS, TimeUnit.SECONDS);
            settleWhenClosed(last, lastWrite, true);
            events.ended(this, "completed", true);
        }
    }

    private void end(int closeCode, String reason, boolean tellPeer) {
        if (ended) {
            return;
        }
        ended = true;
        counters.stop();
        CarrierSide last = carrier;
        carrier = null;
        sending.release();
        Future<?> lastWrite = null;
        if (last != null) {
            if (tellPeer) {
                // The RESET frame tells the other end; the carrier's own abort tells the hops
                // between (the edge's stream log), which see only the carrier's end.
                last.write(ResumeFrames.reset(last.alloc(), closeCode, reason), false);
                lastWrite = last.abort(new StreamAbort(closeCode, reason));
            } else {
                lastWrite = last.finish(CARRIER_LINGER_SECONDS, TimeUnit.SECONDS);
            }
        }
        settleWhenClosed(last, lastWrite, false);
        if (plain.isActive()) {
            plain.writeAndFlush(new StreamAbort(closeCode, reason)).addListener(ChannelFutureListener.CLOSE);
        }
        events.ended(this, reason, false);
    }

    /**
     * Settles once the last carrier has closed and its last frame has been written. An HTTP/2 stream's
     * close completes at once, while an END_STREAM written during its connection's read waits in the
     * flow controller until that read ends: a process that exits on the close alone cuts it off, and the
     * edge sees a client that went away from a stream that had completed.
     */
    private void settleWhenClosed(CarrierSide last, Future<?> lastWrite, boolean completed) {
        if (last == null) {
            settled.complete(completed);
        } else {
            last.closeFuture().addListener(closed -> lastWrite.addListener(written -> settled.complete(completed)));
        }
    }

    /** Returns the plain channel's name as end reasons and logs say it: "the target connection". */
    String plainName() {
        return "the " + plainName + " connection";
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
