package dev.portless.common.resume;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
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
 * <p>Everything runs on the plain channel's event loop; a carrier on another loop hands its frames
 * over as copies.
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

    private static final long CARRIER_LINGER_SECONDS = 5;
    // Acknowledge at least this often while bytes flow: the sender's window (its replay limit, 4 MiB
    // at both ends) stays open with eight acknowledgements in flight. Each one costs a frame, a flush
    // and a wake-up at all three hops: at 128 KiB they were a third of the edge's system calls per MB.
    private static final int ACK_EVERY = 512 << 10;
    // When the plain channel has taken all that arrived, the acknowledgement of that tail waits
    // this long for more bytes to join it. Paced or interactive traffic catches up after every burst:
    // at 2 ms, a 150 Mbit/s stream sent about 27 acknowledgements per MB, each a frame, a flush and
    // a wake-up at every hop, which tripled the receiver's system calls. The tail only frees replay
    // memory; bulk transfers are acknowledged every ACK_EVERY bytes, long before the window closes.
    private static final long TAIL_ACK_DELAY_MICROS = 25_000;

    private final Channel plain;
    private final String plainName;
    private final EventLoop loop;
    private final long replayLimit;
    private final Events events;
    private final ReplayBuffer replay = new ReplayBuffer();
    private final EndCounters counters = new EndCounters();
    private final CompletableFuture<Boolean> settled = new CompletableFuture<>();
    // All fields below are touched from the plain channel's event loop only.
    // The plain channel's read sizing, set once at the start: it tells which reads have header room.
    private FrameSizedReads reads;
    private long sent;
    private long received;
    // What the plain channel has taken from the received bytes: what acknowledgements name.
    private long written;
    private long ackSent;
    private boolean tailAckScheduled;
    private boolean turnAckQueued;
    private boolean finSent;
    private boolean finReceived;
    private boolean ended;
    private CarrierSide carrier;
    private long resumes;

    private ResumableEnd(Channel plain, String plainName, long replayLimit, Events events) {
        this.plain = plain;
        this.plainName = plainName;
        this.loop = plain.eventLoop();
        this.replayLimit = replayLimit;
        this.events = events;
    }

    /**
     * Returns an end over {@code plain}, whose pipeline ends in a stream adapter (and perhaps an
     * {@link InboundHold}); nothing is read until a carrier is attached. {@code plainName} names the
     * plain channel in end reasons, e.g. "target".
     */
    public static ResumableEnd start(Channel plain, String plainName, long replayLimit, Events events) {
        requireNonNull(plain, "plain");
        requireNonNull(plainName, "plainName");
        requireNonNull(events, "events");
        if (replayLimit < 1) {
            throw new IllegalArgumentException("replayLimit: " + replayLimit + " (expected: >= 1)");
        }
        ResumableEnd end = new ResumableEnd(plain, plainName, replayLimit, events);
        end.onLoop(() -> {
            end.reads = new FrameSizedReads(plain.config().getRecvByteBufAllocator());
            plain.config().setRecvByteBufAllocator(end.reads);
            plain.pipeline().addLast("resume-plain", end.new PlainSide());
            InboundHold hold = plain.pipeline().get(InboundHold.class);
            if (hold != null) {
                hold.release();
            }
            end.counters.start(end, plainName, end.replay::size);
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
        return received;
    }

    /** Returns how many bytes (plus one for an end) this end has sent. Call it on {@link #loop()}. */
    public long sent() {
        return sent;
    }

    /** Returns how many of the sent bytes the peer has acknowledged. Call it on {@link #loop()}. */
    public long acknowledged() {
        return finSent && replay.size() == 0 && ackedFin ? sent : replay.base();
    }

    /** Returns how many bytes wait in the replay buffer. Call it on {@link #loop()}. */
    public long replaying() {
        return replay.size();
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

    // Whether the peer acknowledged our FIN (the count past the last byte).
    private boolean ackedFin;
    // Whether an acknowledgement has come from the peer on any carrier (touched from the loop only).
    private boolean peerHeard;

    /**
     * Returns whether the peer has acknowledged anything yet, on any carrier: a client does so as soon as
     * the connector's HELLO reaches it, so before that the client cannot resume the stream. Call it on
     * {@link #loop()}.
     */
    public boolean peerHeard() {
        return peerHeard;
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
        side.install(hello, received);
        if (resumed) {
            // The resume acknowledges all that was received: the plain channel keeps what it has not written.
            ackSent = received;
        }
        if (!resumed) {
            // What the plain side sent before the first carrier came (held early bytes) goes now.
            replay.forEachFrom(replay.base(), side::writeData);
            if (finSent) {
                side.write(ResumeFrames.fin(side.alloc()), false);
            }
            side.flush();
        }
        readPlainIfRoom();
    }

    // ---- called by CarrierSide, on this end's loop ----

    void onData(CarrierSide from, ByteBuf bytes) {
        if (from != carrier || ended || finReceived) {
            bytes.release();
            return;
        }
        int n = bytes.readableBytes();
        received += n;
        plain.write(bytes).addListener(f -> onPlainWritten(f, n));
    }

    void onReadComplete(CarrierSide from) {
        if (from != carrier || ended) {
            return;
        }
        plain.flush();
        from.read();
    }

    private void onPlainWritten(Future<?> f, int n) {
        if (!f.isSuccess()) {
            end(CloseCodes.STREAM_RESET, plainName() + " failed: " + f.cause().getMessage(), true);
            return;
        }
        written += n;
        if (finReceived && written == received) {
            // The end of the stream is acknowledged at once: completion waits for it.
            acknowledgeWritten();
        } else if (written - ackSent >= ACK_EVERY) {
            acknowledgeAfterThisTurn();
        } else if (written == received && written > ackSent && !tailAckScheduled) {
            tailAckScheduled = true;
            loop.schedule(
                    () -> {
                        tailAckScheduled = false;
                        acknowledgeWritten();
                    },
                    TAIL_ACK_DELAY_MICROS,
                    TimeUnit.MICROSECONDS);
        }
        completeIfDone();
    }

    /**
     * Acknowledges once the event loop has handled this turn's I/O: one flush of the plain channel
     * completes many writes, and each acknowledgement costs a frame, a flush and a TLS record at
     * every hop, so the writes of one turn share one.
     */
    private void acknowledgeAfterThisTurn() {
        if (!turnAckQueued) {
            turnAckQueued = true;
            loop.execute(() -> {
                turnAckQueued = false;
                acknowledgeWritten();
            });
        }
    }

    private void acknowledgeWritten() {
        if (!ended && carrier != null && written > ackSent) {
            ackSent = written;
            counters.acksSent++;
            carrier.write(ResumeFrames.ack(carrier.alloc(), written), true);
        }
    }

    void onAck(CarrierSide from, long count) {
        if (from != carrier || ended) {
            return;
        }
        counters.acksReceived++;
        peerHeard = true;
        long floor = replay.base();
        if (count < floor || count > sent) {
            end(
                    CloseCodes.STREAM_RESET,
                    "the other end acknowledged " + count + " bytes, but " + floor + ".." + sent
                            + " were possible; the stream is out of step",
                    true);
            return;
        }
        replay.acknowledge(Math.min(count, replayEnd()));
        ackedFin = finSent && count == sent;
        if (from.awaitingPeerCount()) {
            from.peerCounted();
            replay.forEachFrom(count, b -> from.writeData(b));
            if (finSent && !ackedFin) {
                from.write(ResumeFrames.fin(from.alloc()), false);
            }
            from.flush();
            from.read();
        }
        readPlainIfRoom();
        completeIfDone();
    }

    void onFin(CarrierSide from) {
        if (from != carrier || ended || finReceived) {
            return;
        }
        finReceived = true;
        received++;
        plain.writeAndFlush(EndOfStream.INSTANCE).addListener(f -> onPlainWritten(f, 1));
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
            from.write(ResumeFrames.ack(from.alloc(), ackSent), true);
        }
    }

    void onCarrierWritable(CarrierSide from) {
        if (from == carrier) {
            counters.carrierWritable++;
            readPlainIfRoom();
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

    // ---- the plain side ----

    private long replayEnd() {
        return replay.end();
    }

    private void readPlainIfRoom() {
        if (ended || finSent || !plain.isActive()) {
            return;
        }
        boolean carrierReady = carrier == null || (carrier.isWritable() && !carrier.awaitingPeerCount());
        if (!carrierReady) {
            counters.heldForCarrier++;
        } else if (replay.size() >= replayLimit) {
            counters.heldForReplay++;
        } else {
            counters.plainReads++;
            plain.read();
        }
    }

    private void completeIfDone() {
        if (finSent && ackedFin && finReceived && written == received && ackSent == received && !ended) {
            ended = true;
            counters.stop();
            CarrierSide last = carrier;
            carrier = null;
            replay.release();
            plain.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
        replay.release();
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

    private String plainName() {
        return "the " + plainName + " connection";
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Reads the plain channel into the replay buffer and the carrier. */
    private final class PlainSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf) || ended || finSent) {
                ReferenceCountUtil.release(msg);
                return;
            }
            int n = buf.readableBytes();
            if (n == 0) {
                buf.release();
                return;
            }
            sent += n;
            if (carrier != null && !carrier.awaitingPeerCount()) {
                if (reads.hasHeadroom(buf)) {
                    carrier.writeDataWithHeadroom(buf);
                } else {
                    carrier.writeData(buf.retainedDuplicate());
                }
            }
            replay.add(buf);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (carrier != null) {
                carrier.flush();
            }
            readPlainIfRoom();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof EndOfStream) {
                if (ended || finSent) {
                    return;
                }
                finSent = true;
                sent++;
                if (carrier != null && !carrier.awaitingPeerCount()) {
                    carrier.write(ResumeFrames.fin(carrier.alloc()), true);
                }
            } else if (evt instanceof StreamAbort abort) {
                end(abort.closeCode(), abort.reason(), true);
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            plainBroke(plainName() + " closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            plainBroke(plainName() + " failed: " + cause.getMessage());
        }

        private void plainBroke(String detail) {
            StreamAbort abort = events.plainLost(detail);
            end(abort.closeCode(), abort.reason(), true);
        }
    }
}
