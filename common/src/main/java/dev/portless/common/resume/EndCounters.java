package dev.portless.common.resume;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-second activity of one {@link ResumableEnd}, logged at debug level: how often the plain
 * channel was read and why reading stopped, acknowledgements each way, and the replay buffer. It is
 * what shows whether a slow stream waits for acknowledgements, for its carrier, or for its source.
 * Touched from the end's event loop only.
 */
final class EndCounters {
    private static final Logger log = LoggerFactory.getLogger(EndCounters.class);

    long plainReads;
    long heldForCarrier;
    long heldForReplay;
    long acksSent;
    long acksReceived;
    long carrierWritable;
    long replayGrowths;
    private ScheduledFuture<?> ticker;

    /** Starts logging once a second while debug logging is on for this class. */
    void start(ResumableEnd end, String plainName, LongSupplier replaying) {
        if (!log.isDebugEnabled()) {
            return;
        }
        ticker = end.loop().scheduleAtFixedRate(() -> tick(end, plainName, replaying), 1, 1, TimeUnit.SECONDS);
    }

    private void tick(ResumableEnd end, String plainName, LongSupplier replaying) {
        log.debug(
                "{} end: sent={} acknowledged={} received={} replay={} plainReads={} heldForCarrier={}"
                        + " heldForReplay={} acksSent={} acksReceived={} carrierWritableEvents={} replayGrowths={} attached={}",
                plainName,
                end.sent(),
                end.acknowledged(),
                end.received(),
                replaying.getAsLong(),
                plainReads,
                heldForCarrier,
                heldForReplay,
                acksSent,
                acksReceived,
                carrierWritable,
                replayGrowths,
                end.attached());
        plainReads = heldForCarrier = heldForReplay = acksSent = acksReceived = carrierWritable = replayGrowths = 0;
    }

    /** Counts a growth of the replay limit, and logs it at debug level (the long-distance test reads it). */
    void replayGrew(String plainName, long limit) {
        replayGrowths++;
        log.debug("{}: replay limit grew to {} bytes", plainName, limit);
    }

    /** Stops logging. */
    void stop() {
        if (ticker != null) {
            ticker.cancel(false);
        }
    }
}
