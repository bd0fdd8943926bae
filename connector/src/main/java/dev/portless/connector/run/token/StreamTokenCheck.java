package dev.portless.connector.run.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.AppTokenVerifier;
import dev.portless.connector.token.EdgeKeys;
import dev.portless.connector.token.TokenRejection;
import dev.portless.connector.token.TokenVerifier;
import dev.portless.connector.token.VerifiedAppToken;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connector's second check of the app token the edge forwarded with a stream: the same
 * rules as at the edge ({@link AppTokenVerifier}), against the edge's published keys, with the
 * stream's {@code :authority} as the only acceptable audience.
 */
public final class StreamTokenCheck {
    /** Verified tokens kept at most; the edge reuses one minted token per identity and app. */
    static final int MAX_REMEMBERED = 4096;

    private final TokenVerifier verifier;
    private final EdgeKeys keys;
    // Written and read from any event loop: a concurrent map, cleared when full.
    private final Map<Audience, Remembered> verified = new ConcurrentHashMap<>();

    /** Returns a check of tokens from {@code verifier}'s issuer against {@code keys}. */
    public StreamTokenCheck(TokenVerifier verifier, EdgeKeys keys) {
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
        // The same token comes with every stream of an identity: a remembered one skips parsing its header.
        Audience cacheKey = new Audience(authority, token);
        Remembered hit = verified.get(cacheKey);
        if (hit != null && stillValid(hit, keys.current())) {
            return CompletableFuture.completedFuture(hit.token());
        }
        String kid;
        try {
            kid = AppTokenVerifier.keyId(token);
        } catch (AppTokenException e) {
            return CompletableFuture.failedFuture(e);
        }
        return keys.withKey(kid).thenApply(set -> {
            if (set.isEmpty() && keys.lastFailure().isPresent()) {
                throw new CompletionException(new AppTokenException(
                        TokenRejection.KEYS_UNAVAILABLE, keys.lastFailure().get()));
            }
            try {
                return verify(cacheKey, kid, set);
            } catch (AppTokenException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Returns the verified token, checking the ES256 signature only the first time this token comes
     * for this audience: the edge sends the same token with every stream of an identity for minutes,
     * and the signature check costs more CPU than the rest of opening a stream. A remembered token
     * still fails once it expires or once the key that signed it leaves the edge's key set.
     */
    private VerifiedAppToken verify(Audience cacheKey, String kid, JWKSet set) throws AppTokenException {
        Remembered hit = verified.get(cacheKey);
        if (hit != null && stillValid(hit, set)) {
            return hit.token();
        }
        VerifiedAppToken fresh = verifier.verify(cacheKey.token(), cacheKey.authority(), set);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(cacheKey, new Remembered(fresh, kid, set.getKeyByKeyId(kid)));
        return fresh;
    }

    /** Returns whether a remembered token is unexpired and its signing key is still the one {@code set} holds. */
    private boolean stillValid(Remembered hit, JWKSet set) {
        JWK key = set.getKeyByKeyId(hit.kid());
        return key != null && hit.key().equals(key) && verifier.unexpired(hit.token());
    }

    /** Returns the key source, so start-up can fetch the keys early. */
    public EdgeKeys keys() {
        return keys;
    }

    /** A token as presented for one audience: what a verification is remembered by. */
    private record Audience(String authority, String token) {}

    private record Remembered(VerifiedAppToken token, String kid, JWK key) {}
}
