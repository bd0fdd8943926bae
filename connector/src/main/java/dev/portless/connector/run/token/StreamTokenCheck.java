package dev.portless.connector.run.token;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Returns the connector's second check of the app token the edge forwarded with a stream: the same
 * rules as at the edge ({@link AppTokenVerifier}), against the edge's published keys, with the
 * stream's {@code :authority} as the only acceptable audience.
 */
public final class StreamTokenCheck {
    private final AppTokenVerifier verifier;
    private final EdgeKeys keys;

    /** Returns a check of tokens from {@code verifier}'s issuer against {@code keys}. */
    public StreamTokenCheck(AppTokenVerifier verifier, EdgeKeys keys) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.keys = requireNonNull(keys, "keys");
    }

    /**
     * Returns the verified token, completing at once when the key is cached; fails with a
     * {@link CompletionException} wrapping an {@link AppTokenException}.
     */
    public CompletableFuture<VerifiedAppToken> check(String token, String authority) {
        if (token == null || token.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new AppTokenException(TokenRejection.MALFORMED, "the stream carries no app token"));
        }
        String kid;
        try {
            kid = AppTokenVerifier.keyId(token);
        } catch (AppTokenException e) {
            return CompletableFuture.failedFuture(e);
        }
        return keys.withKey(kid).thenApply(set -> {
            if (set.isEmpty() && keys.lastFailure().isPresent()) {
                throw new CompletionException(new AppTokenException(TokenRejection.KEYS_UNAVAILABLE,
                        keys.lastFailure().get()));
            }
            try {
                return verifier.verify(token, authority, set);
            } catch (AppTokenException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Returns the key source, so start-up can fetch the keys early. */
    public EdgeKeys keys() {
        return keys;
    }
}
