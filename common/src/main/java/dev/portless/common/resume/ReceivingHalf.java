package dev.portless.common.resume;

import dev.portless.common.relay.EndOfStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The receiving half of a {@link ResumableEnd}: it writes what the carrier delivers to the plain
 * channel, counts it, and acknowledges what the plain channel has taken, paced so that neither bulk
 * nor paced traffic pays an acknowledgement per burst. Touched from the end's event loop only.
 */
final class ReceivingHalf {
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

    private final ResumableEnd end;
    private final Channel plain;
    private final EventLoop loop;
    private long received;
    // What the plain channel has taken from the received bytes: what acknowledgements name.
    private long written;
    private long ackSent;
    private boolean finReceived;
    private boolean tailAckScheduled;
    private boolean turnAckQueued;

    ReceivingHalf(ResumableEnd end, Channel plain) {
        this.end = end;
        this.plain = plain;
        this.loop = plain.eventLoop();
    }

    /** Returns how many bytes (plus one for an end) have been received. */
    long received() {
        return received;
    }

    /** Returns the count the last acknowledgement named. */
    long acknowledged() {
        return ackSent;
    }

    /** Returns whether the other end's end of its bytes has been received. */
    boolean finReceived() {
        return finReceived;
    }

    /** Returns whether everything was received, the end included, written and acknowledged. */
    boolean allAcknowledged() {
        return finReceived && written == received && ackSent == received;
    }

    /** Counts all that was received as acknowledged: a resume's first frame names it. */
    void resumed() {
        ackSent = received;
    }

    /** Writes {@code bytes} (takes over the reference) to the plain channel; flushed at the carrier's read end. */
    void data(ByteBuf bytes) {
        int n = bytes.readableBytes();
        received += n;
        plain.write(bytes).addListener(f -> written(f, n));
    }

    /** Passes the other end's end of its bytes on to the plain channel as a half-close. */
    void fin() {
        finReceived = true;
        received++;
        plain.writeAndFlush(EndOfStream.INSTANCE).addListener(f -> written(f, 1));
    }

    private void written(Future<?> f, int n) {
        if (!f.isSuccess()) {
            end.plainWriteFailed(f.cause());
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
        end.completeIfDone();
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
        if (written > ackSent && end.sendAck(written)) {
            ackSent = written;
        }
    }
}
