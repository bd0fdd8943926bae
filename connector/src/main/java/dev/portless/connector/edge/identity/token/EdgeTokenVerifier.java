package dev.portless.connector.edge.identity.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.TokenRejection;
import dev.portless.connector.token.TokenVerifier;
import dev.portless.connector.token.VerifiedAppToken;

/**
 * The edge's one check of an app token: every check of the verifier it wraps, then the revocation list, so
 * that each new stream, web request and certificate request refuses a revoked token, and a token issued before an
 * administrator signed its identity out.
 */
public final class EdgeTokenVerifier implements TokenVerifier {
    private final TokenVerifier checks;
    private final TokenRevocations revocations;

    /** Returns a verifier that runs {@code checks} and refuses what {@code revocations} holds. */
    public EdgeTokenVerifier(TokenVerifier checks, TokenRevocations revocations) {
        this.checks = requireNonNull(checks, "checks");
        this.revocations = requireNonNull(revocations, "revocations");
    }

    @Override
    public VerifiedAppToken verify(String token, String audience, JWKSet keys) throws AppTokenException {
        final VerifiedAppToken verified = checks.verify(token, audience, keys);
        if (revocations.isRevoked(verified.tokenId())) {
            throw new AppTokenException(TokenRejection.REVOKED, "jti revoked");
        }
        if (revocations.signedOut(verified).isPresent()) {
            throw new AppTokenException(TokenRejection.SIGNED_OUT, "identity signed out by an administrator");
        }
        return verified;
    }

    @Override
    public boolean unexpired(VerifiedAppToken token) {
        return checks.unexpired(token)
                && !revocations.isRevoked(token.tokenId())
                && revocations.signedOut(token).isEmpty();
    }
}
