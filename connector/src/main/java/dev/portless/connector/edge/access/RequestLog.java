package dev.portless.connector.edge.access;

import dev.portless.connector.edge.config.EdgeLimits;
import io.netty.handler.codec.http.QueryStringDecoder;
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
 * waited for, and the count is logged.
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
        while (true) {
            Line l;
            try {
                l = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                log.warn("The request log fell behind: {} request line(s) were dropped", lost);
            }
            log.info(
                    "request={} identity={} app={} client={} method={} path={} status={} bytes_up={} bytes_down={} "
                            + "duration_ms={}{}",
                    l.id(),
                    l.identity(),
                    l.app(),
                    l.client(),
                    l.method(),
                    new QueryStringDecoder(l.uri()).rawPath(),
                    l.status(),
                    l.bytesUp(),
                    l.bytesDown(),
                    l.durationMillis(),
                    l.errorCode() == null ? "" : " error=" + l.errorCode());
        }
    }
}
