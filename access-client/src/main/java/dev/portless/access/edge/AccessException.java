package dev.portless.access.edge;

/**
 * Returns a failure the user reads as one sentence: what failed and what to do.
 */
public final class AccessException extends Exception {
    /** Returns an exception whose message is the sentence shown to the user. */
    public AccessException(String sentence) {
        super(sentence, null, false, false);
    }
}
