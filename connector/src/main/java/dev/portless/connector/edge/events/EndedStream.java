package dev.portless.connector.edge.events;

/**
 * A stream that has ended, as the edge's stream log line names it.
 *
 * @param streamId       the edge's id of the stream
 * @param identity       who (an e-mail, a service token, or {@code anonymous})
 * @param app            the app hostname
 * @param client         the client's address
 * @param target         the target the connector dialed
 * @param bytesUp        bytes from the client towards the target
 * @param bytesDown      bytes from the target towards the client
 * @param durationMillis how long the stream lasted
 * @param endReason      the relay's sentence: {@code completed}, {@code client closed}, ...
 */
public record EndedStream(
        long streamId,
        String identity,
        String app,
        String client,
        String target,
        long bytesUp,
        long bytesDown,
        long durationMillis,
        String endReason) {}
