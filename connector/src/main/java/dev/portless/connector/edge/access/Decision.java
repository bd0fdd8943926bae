package dev.portless.connector.edge.access;

import dev.portless.common.wire.StreamError;
import java.util.Optional;

/**
 * Returns the outcome of checking a request's credentials against an app: an identity that may
 * proceed, or an error with the sentence the user sees.
 */
public record Decision(Optional<String> identity, StreamError error, String message) {
    /** Returns a decision that lets {@code identity} through. */
    public static Decision allow(String identity) {
        return new Decision(Optional.of(identity), null, null);
    }

    /** Returns a decision that refuses with an error and its sentence. */
    public static Decision deny(StreamError error, String message) {
        return new Decision(Optional.empty(), error, message);
    }

    /** Returns whether the request may proceed. */
    public boolean allowed() {
        return identity.isPresent();
    }
}
