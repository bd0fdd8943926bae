package dev.portless.connector.origin;

import dev.portless.common.wire.StreamError;

/** Why a web request could not reach its origin: the code the edge shows and the sentence for the user. */
final class OriginFailure extends Exception {
    private final StreamError error;

    OriginFailure(StreamError error, String sentence) {
        super(sentence, null, false, false);
        this.error = error;
    }

    StreamError error() {
        return error;
    }
}
