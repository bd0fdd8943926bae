package dev.portless.connector.edge.tunnel;

import dev.portless.common.wire.StreamError;

/**
 * Why the edge could not open a stream to a target, with the sentence for the user.
 */
public final class StreamOpenException extends Exception {
    private final StreamError error;

    /** Returns an exception for an error and its sentence. */
    public StreamOpenException(StreamError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    /** Returns the error code. */
    public StreamError error() {
        return error;
    }
}
