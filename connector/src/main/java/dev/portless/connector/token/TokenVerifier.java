package dev.portless.connector.token;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * The check an app token passes before anyone acts on it: the edge on every stream request and
 * every SSH certificate request, the connector again on every stream. One instance per role is built
 * at start and handed to each of its users, so the rules live in one place and tests can hold them.
 */
public interface TokenVerifier {
    /**
     * Returns the claims of {@code token} when it passes every check for {@code audience}, against
     * {@code keys}; the caller hands the keys in, so a verifier never fetches and never blocks.
     *
     * @throws AppTokenException saying which check failed
     */
    VerifiedAppToken verify(String token, String audience, JWKSet keys) throws AppTokenException;

    /** Returns whether {@code token}, verified earlier, has not expired yet. */
    boolean unexpired(VerifiedAppToken token);
}
