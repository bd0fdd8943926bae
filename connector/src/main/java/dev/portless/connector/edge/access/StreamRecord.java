package dev.portless.connector.edge.access;

import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.EndedStream;
import dev.portless.connector.edge.streams.StreamOwner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the per-stream log line names, where its events go, when its request arrived, and whose it is.
 *
 * @param id         the edge's id of the stream
 * @param identity   the identity the logs and the connector see ({@code anonymous} for a public app)
 * @param app        the app's hostname
 * @param client     the client's address
 * @param events     where the stream's opening and end are reported
 * @param startNanos when its request arrived, from {@link System#nanoTime()}
 * @param owner      whose stream it is, for an administrator's sign-out
 */
record StreamRecord(
        long id, String identity, String app, String client, EdgeEvents events, long startNanos, StreamOwner owner) {
    // The line keeps the logger name it has always had, which operators' log filters may name.
    private static final Logger log = LoggerFactory.getLogger(StreamAdmission.class);

    /** Reports the stream's end to the edge's events and logs the one line the edge writes per stream. */
    void ended(String target, long bytesUp, long bytesDown, long durationMillis, String endReason) {
        events.streamEnded(
                new EndedStream(id, identity, app, client, target, bytesUp, bytesDown, durationMillis, endReason));
        log.info(
                "stream={} identity={} app={} client={} target={} bytes_up={} bytes_down={} duration_ms={} end=\"{}\"",
                id,
                identity,
                app,
                client,
                target,
                bytesUp,
                bytesDown,
                durationMillis,
                endReason);
    }
}
