package dev.portless.connector.edge.identity.token;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.session.BrowserSession;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app tokens this edge revoked before their expiry, and the tokens each browser session led to, so that a
 * replayed authorization or device code revokes every token of the session it came from (RFC 6749 §4.1.2).
 * A revocation is kept until the token would have expired anyway; then it is swept.
 */
public final class TokenRevocations {
    private final Clock clock;
    // jti → the token's exp.
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    // The session a sign-in or device approval came from → its tokens (jti → exp).
    private final Map<BrowserSession, Map<String, Instant>> bySession = new ConcurrentHashMap<>();

    /** Returns an empty list that tells expiry by {@code clock}. */
    public TokenRevocations(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /** Records that {@code token} was issued on the authority of {@code session}. */
    public void issued(BrowserSession session, AppTokenIssuer.IssuedToken token) {
        requireNonNull(session, "session");
        requireNonNull(token, "token");
        bySession.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).put(token.jti(), token.expiresAt());
    }

    /** Revokes every token issued on the authority of {@code session}; returns how many. */
    public int revokeSession(BrowserSession session) {
        requireNonNull(session, "session");
        final Map<String, Instant> tokens = bySession.remove(session);
        if (tokens == null) {
            return 0;
        }
        revoked.putAll(tokens);
        return tokens.size();
    }

    /** Returns whether the token with id {@code jti} was revoked. */
    public boolean isRevoked(String jti) {
        requireNonNull(jti, "jti");
        return revoked.containsKey(jti);
    }

    /** Forgets revocations and issued tokens that have expired: no verifier accepts them any more. */
    public void sweep() {
        final Instant now = clock.instant();
        revoked.values().removeIf(exp -> exp.isBefore(now.minusSeconds(60)));
        bySession.values().forEach(tokens -> tokens.values().removeIf(exp -> exp.isBefore(now)));
        bySession.values().removeIf(Map::isEmpty);
    }
}
