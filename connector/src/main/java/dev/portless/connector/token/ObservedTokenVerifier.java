package dev.portless.connector.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A verifier that reports the result of every check, {@code valid} or the rejection in lower
 * case, for the token-check metrics of either role.
 */
public final class ObservedTokenVerifier implements TokenVerifier {
    private final TokenVerifier inner;
    private final Consumer<String> results;

    /** Returns {@code inner}, reporting each check's result to {@code results}. */
    public ObservedTokenVerifier(TokenVerifier inner, Consumer<String> results) {
        this.inner = requireNonNull(inner, "inner");
        this.results = requireNonNull(results, "results");
    }

    @Override
    public VerifiedAppToken verify(String token, String audience, JWKSet keys) throws AppTokenException {
        try {
            VerifiedAppToken verified = inner.verify(token, audience, keys);
            results.accept("valid");
            return verified;
        } catch (AppTokenException e) {
            results.accept(e.rejection().name().toLowerCase(Locale.ROOT));
            throw e;
        }
    }

    @Override
    public boolean unexpired(VerifiedAppToken token) {
        return inner.unexpired(token);
    }
}
