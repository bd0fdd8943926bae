package dev.portless.access.edge;

import java.util.Optional;

/**
 * A failure the user reads as one sentence: what failed and what to do.
 */
public final class AccessException extends Exception {
    private final String edgeError;
    private final boolean beforeAnswer;

    /** Returns an exception whose message is the sentence shown to the user. */
    public AccessException(String sentence) {
        this(sentence, null);
    }

    /**
     * Returns an exception whose message is the sentence shown to the user, with the error code the
     * edge answered (e.g. {@code token_expired}), or null when the edge named none.
     */
    public AccessException(String sentence, String edgeError) {
        this(sentence, edgeError, false);
    }

    private AccessException(String sentence, String edgeError, boolean beforeAnswer) {
        super(sentence, null, false, false);
        this.edgeError = edgeError;
        this.beforeAnswer = beforeAnswer;
    }

    /**
     * Returns an exception for a connection to the edge that broke (a reset, a broken pipe, a close)
     * before the edge answered the stream request: nothing reached the app, so dialing again is safe.
     */
    public static AccessException brokeBeforeAnswer(String sentence) {
        return new AccessException(sentence, null, true);
    }

    /** Returns whether the connection to the edge broke before the edge answered: a new dial may succeed. */
    public boolean brokeBeforeAnswer() {
        return beforeAnswer;
    }

    /** Returns the error code the edge answered, e.g. {@code token_expired}, if it named one. */
    public Optional<String> edgeError() {
        return Optional.ofNullable(edgeError);
    }
}
