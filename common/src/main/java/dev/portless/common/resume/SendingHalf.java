package dev.portless.common.resume;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.StreamAbort;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The sending half of a {@link ResumableEnd}, and the handler on its plain channel: it reads the plain
 * channel into the carrier and the replay buffer, counts what was sent, and drops what the peer has
 * acknowledged. It reads only while the carrier is writable and the replay buffer holds less than its
 * limit ({@link ReplayLimit}, which may grow). Touched from the end's event loop only.
 */
final class SendingHalf extends ChannelInboundHandlerAdapter {
    private final ResumableEnd end;
    private final Channel plain;
    private final ReplayLimit replayLimit;
    private final EndCounters counters;
    private final ReplayBuffer replay = new ReplayBuffer();
    // The plain channel's read sizing, set once at the start: it tells which reads have header room.
    private FrameSizedReads reads;
    private long sent;
    private boolean finSent;
    // Whether the peer acknowledged our FIN (the count past the last byte).
    private boolean ackedFin;
    // Whether an acknowledgement has come from the peer on any carrier.
    private boolean peerHeard;

    SendingHalf(ResumableEnd end, Channel plain, ReplayLimit replayLimit, EndCounters counters) {
        this.end = end;
        this.plain = plain;
        this.replayLimit = replayLimit;
        this.counters = counters;
    }

    /** Sizes the plain channel's reads so that each leaves room for a frame header in front. */
    void sizeReads() {
        reads = new FrameSizedReads(plain.config().getRecvByteBufAllocator());
        plain.config().setRecvByteBufAllocator(reads);
    }

    /** Returns how many bytes (plus one for an end) were sent. */
    long sent() {
        return sent;
    }

    /** Returns how many of the sent bytes the peer has acknowledged. */
    long acknowledged() {
        return finSent && replay.size() == 0 && ackedFin ? sent : replay.base();
    }

    /** Returns how many bytes wait in the replay buffer. */
    long replaying() {
        return replay.size();
    }

    /** Returns whether the peer has acknowledged anything yet, on any carrier. */
    boolean peerHeard() {
        return peerHeard;
    }

    /** Returns whether this end's end of its bytes was sent and acknowledged. */
    boolean finAcknowledged() {
        return finSent && ackedFin;
    }

    /** Returns whether the peer may acknowledge {@code count}: from what is not yet acknowledged up to what was sent. */
    boolean inStep(long count) {
        return count >= replay.base() && count <= sent;
    }

    /** Returns the sentence for an acknowledgement of {@code count} that is not {@link #inStep}. */
    String outOfStep(long count) {
        return "the other end acknowledged " + count + " bytes, but " + replay.base() + ".." + sent
                + " were possible; the stream is out of step";
    }

    /** Drops what {@code count}, an acknowledgement {@link #inStep}, covers. */
    void acknowledge(long count) {
        peerHeard = true;
        replay.acknowledge(Math.min(count, replay.end()));
        ackedFin = finSent && count == sent;
    }

    /** Writes to {@code carrier} what the peer has not acknowledged, the end of the bytes included; no flush. */
    void replayTo(CarrierSide carrier) {
        replay.forEachFrom(replay.base(), carrier::writeData);
        if (finSent && !ackedFin) {
            carrier.write(ResumeFrames.fin(carrier.alloc()), false);
        }
    }

    /** Frees the replay buffer; the stream has ended. */
    void release() {
        replay.release();
    }

    /** Reads the plain channel if the carrier can take more and the replay buffer has room. */
    void readIfRoom() {
        if (end.ended() || finSent || !plain.isActive()) {
            return;
        }
        CarrierSide carrier = end.carrier();
        boolean carrierReady = carrier == null || (carrier.isWritable() && !carrier.awaitingPeerCount());
        if (!carrierReady) {
            counters.heldForCarrier++;
        } else if (replayFull(carrier)) {
            counters.heldForReplay++;
        } else {
            counters.plainReads++;
            plain.read();
        }
    }

    /**
     * Returns whether the replay buffer holds its limit; first grows the limit when {@code carrier} is ready
     * and the peer's acknowledgements show that the limit, not the path, holds the stream back.
     */
    private boolean replayFull(CarrierSide carrier) {
        if (replay.size() < replayLimit.current()) {
            return false;
        }
        if (carrier != null && replayLimit.heldWithCarrierReady(replay.base())) {
            counters.replayGrew(end.plainName(), replayLimit.current());
            return replay.size() >= replayLimit.current();
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || end.ended() || finSent) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = buf.readableBytes();
        if (n == 0) {
            buf.release();
            return;
        }
        sent += n;
        CarrierSide carrier = end.carrier();
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
        CarrierSide carrier = end.carrier();
        if (carrier != null) {
            carrier.flush();
        }
        readIfRoom();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof EndOfStream) {
            if (end.ended() || finSent) {
                return;
            }
            finSent = true;
            sent++;
            CarrierSide carrier = end.carrier();
            if (carrier != null && !carrier.awaitingPeerCount()) {
                carrier.write(ResumeFrames.fin(carrier.alloc()), true);
            }
        } else if (evt instanceof StreamAbort abort) {
            end.plainAborted(abort);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end.plainLost("closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end.plainLost("failed: " + cause.getMessage());
    }
}
