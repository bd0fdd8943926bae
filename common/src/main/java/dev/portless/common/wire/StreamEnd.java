package dev.portless.common.wire;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The ways a stream that was open can end, each with its close code and the sentence every hop
 * logs and {@code access} prints: one table, documented in docs/stream-ends.md.
 *
 * <p>The code travels as the WebSocket close code and as the HTTP/2 trailer
 * {@link TunnelProtocol#CLOSE_CODE}; the sentence as the close reason and
 * {@link TunnelProtocol#CLOSE_REASON}. Sentences with {@code %s} take the names in {@link #sentence}.
 */
public enum StreamEnd {
    /** Both directions ended cleanly (FIN, END_STREAM, Close 1000 each way). */
    COMPLETED(CloseCodes.NORMAL, "completed"),
    /** The target (or the local program, seen from the target's side) reset its connection. */
    TARGET_RESET(CloseCodes.STREAM_RESET, "the target reset the connection"),
    /** The tunnel connection that carried the stream broke: the connector crashed or its network went away. */
    CONNECTOR_LOST(CloseCodes.CONNECTOR_LOST, "the connector for tunnel %s went away during the stream"),
    /** The edge was shutting down and its drain timeout passed before the stream ended. */
    EDGE_DRAINING(CloseCodes.DRAINING, "the edge is draining; connect again to reach another edge"),
    /** The connector was shutting down and its grace period passed before the stream ended. */
    CONNECTOR_DRAINING(CloseCodes.CONNECTOR_DRAINING, "the connector for tunnel %s shut down during the stream"),
    /** The client's connection to the edge broke (seen by the edge and, as "edge lost", by {@code access}). */
    CLIENT_LOST(CloseCodes.CLIENT_LOST, "the client went away during the stream"),
    /** {@code access}'s connection to the edge broke without an end from the edge. */
    EDGE_LOST(CloseCodes.EDGE_LOST, "the connection to the edge was lost during the stream"),
    /** The local program reset its connection to {@code access}. */
    LOCAL_RESET(CloseCodes.LOCAL_RESET, "the local program reset the connection"),
    /** The app's {@code max-stream-duration} passed. */
    MAX_DURATION(CloseCodes.MAX_DURATION, "the stream to %s reached the app's max-stream-duration of %s"),
    /** No byte crossed the stream, either way, for the app's {@code idle-timeout}. */
    IDLE_TIMEOUT(CloseCodes.IDLE_TIMEOUT, "the stream to %s was idle for the app's idle-timeout of %s"),
    /** A hop failed in a way none of the others names; the sentence carries the error. */
    FAILED(CloseCodes.STREAM_FAILED, "the stream failed: %s"),
    /** An administrator signed the stream's identity out; the identity may sign in again. */
    SIGNED_OUT(CloseCodes.SIGNED_OUT, "your session for %s ended: signed out by an administrator"),
    /** {@code access} could not resume a resumable stream after its edge connection broke; says why. */
    RESUME_FAILED(CloseCodes.RESUME_FAILED, "the stream could not be resumed: %s"),
    /** A resumable stream's detach window passed before {@code access} resumed it. */
    RESUME_WINDOW_PASSED(CloseCodes.RESUME_WINDOW_PASSED, "the stream was not resumed within its detach window of %s");

    private final int closeCode;
    private final String sentence;

    StreamEnd(int closeCode, String sentence) {
        this.closeCode = closeCode;
        this.sentence = sentence;
    }

    /** Returns the close code that carries this end on the wire. */
    public int closeCode() {
        return closeCode;
    }

    /** Returns the sentence with its {@code %s} places filled from {@code names}, in order. */
    public String sentence(Object... names) {
        requireNonNull(names, "names");
        return names.length == 0 ? sentence : String.format(sentence, names);
    }

    /** Returns the end a close code names, if this version knows it. */
    public static Optional<StreamEnd> ofCloseCode(int closeCode) {
        for (StreamEnd end : values()) {
            if (end.closeCode == closeCode) {
                return Optional.of(end);
            }
        }
        return Optional.empty();
    }
}
