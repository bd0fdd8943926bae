package dev.portless.access.edge;

import java.util.Optional;

/**
 * A failure the user reads as one sentence: what failed and what to do.
 */
public final class AccessException extends Exception {
    private final String edgeError;

    /** Returns an exception whose message is the sentence shown to the user. */
    public AccessException(String sentence) {
        this(sentence, null);
    }

    /**
     * Returns an exception whose message is the sentence shown to the user, with the error code the
     * edge answered (e.g. {@code token_expired}), or null when the edge named none.
     */
    public AccessException(String sentence, String edgeError) {
        super(sentence, null, false, false);
        this.edgeError = edgeError;
    }

    /** Returns the error code the edge answered, e.g. {@code token_expired}, if it named one. */
    public Optional<String> edgeError() {
        return Optional.ofNullable(edgeError);
    }
}
