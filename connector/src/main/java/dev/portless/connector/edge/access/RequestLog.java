package dev.portless.connector.edge.access;

import dev.portless.connector.edge.config.EdgeLimits;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's access log of web-app requests, one line per answered request. An event loop only
 * hands the line's fields over; a writer thread formats it and writes it to the log, so a slow
 * stderr (a full pipe, a busy terminal) never holds up a request. When the writer falls
 * {@link EdgeLimits#ACCESS_LOG_QUEUE} lines behind, further lines are counted and dropped rather than
 * waited for, and the count is logged. The writer takes what has gathered, writes it, and pauses for
 * {@link EdgeLimits#ACCESS_LOG_PAUSE}, so a line reaches the log at most that much later.
 */
final class RequestLog {
    private static final Logger log = LoggerFactory.getLogger(StreamAdmission.class);
    private static final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(EdgeLimits.ACCESS_LOG_QUEUE);
    private static final AtomicLong dropped = new AtomicLong();

    static {
        Thread writer = new Thread(RequestLog::drain, "edge-request-log");
        writer.setDaemon(true);
        writer.start();
    }

    private RequestLog() {}

    /** One request's line, as the event loop knows it. */
    record Line(
            String id,
            String identity,
            String app,
            String client,
            String method,
            String uri,
            int status,
            long bytesUp,
            long bytesDown,
            long durationMillis,
            String errorCode) {}

    /** Hands {@code line} to the writer; never waits. */
    static void add(Line line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    private static void drain() {
        List<Line> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    log.warn("The request log fell behind: {} request line(s) were dropped", lost);
                }
                batch.forEach(RequestLog::write);
                batch.clear();
                // An offer wakes this thread only while it waits in take(): during the pause, the lines of a
                // busy edge gather without a wake-up (a context switch) per request.
                Thread.sleep(EdgeLimits.ACCESS_LOG_PAUSE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(Line l) {
        if (log.isInfoEnabled()) {
            log.info(format(l));
        }
    }

    /** Returns the log line of {@code l}. */
    static String format(Line l) {
        // Built here rather than by the logger's pattern: eleven arguments were an array, boxed numbers and a
        // scan of the pattern for every line. A message without arguments is written as it is.
        StringBuilder line = new StringBuilder(160)
                .append("request=")
                .append(l.id())
                .append(" identity=")
                .append(l.identity())
                .append(" app=")
                .append(l.app())
                .append(" client=")
                .append(l.client())
                .append(" method=")
                .append(l.method())
                .append(" path=")
                .append(new QueryStringDecoder(l.uri()).rawPath())
                .append(" status=")
                .append(l.status())
                .append(" bytes_up=")
                .append(l.bytesUp())
                .append(" bytes_down=")
                .append(l.bytesDown())
                .append(" duration_ms=")
                .append(l.durationMillis());
        if (l.errorCode() != null) {
            line.append(" error=").append(l.errorCode());
        }
        return line.toString();
    }
}
