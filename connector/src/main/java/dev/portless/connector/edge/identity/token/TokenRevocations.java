package dev.portless.connector.edge.identity.token;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app tokens revoked before their expiry, and the tokens each browser session led to, so that a replayed
 * authorization or device code revokes every token of the session it came from (RFC 6749 §4.1.2), at whichever
 * edge sharing the {@link EdgeStore} the replay arrives. A revocation is kept until the token would have expired
 * anyway; then it is swept.
 *
 * <p>Token checks run on event loops and never wait for the store: they consult this edge's copy of the revoked
 * ids, which {@link #refresh()} brings up to date from the store off the loops (every second), so a token revoked
 * at another edge is refused here within about a second.
 */
public final class TokenRevocations {
    private final Clock clock;
    private final EdgeStore store;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    /** Returns an empty list in this edge's memory only, that tells expiry by {@code clock}. */
    public TokenRevocations(Clock clock) {
        this(clock, new InMemoryEdgeStore(clock));
    }

    /** Returns the list kept in {@code store}. */
    public TokenRevocations(Clock clock, EdgeStore store) {
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
    }

    /** Records that {@code token} was issued on the authority of the browser session {@code sessionId}. */
    public void issued(String sessionId, AppTokenIssuer.IssuedToken token) {
        requireNonNull(sessionId, "sessionId");
        requireNonNull(token, "token");
        store.tokenIssued(sessionId, token.jti(), token.expiresAt());
    }

    /** Revokes every token issued on the authority of the browser session {@code sessionId}; returns how many. */
    public int revokeSession(String sessionId) {
        Set<String> ids = store.revokeSession(requireNonNull(sessionId, "sessionId"));
        revoked.addAll(ids);
        return ids.size();
    }

    /** Returns whether the token with id {@code jti} was revoked, as far as this edge has heard; never blocks. */
    public boolean isRevoked(String jti) {
        requireNonNull(jti, "jti");
        return revoked.contains(jti);
    }

    /** Learns the revocations other edges made; blocks on the store, so runs off the event loops. */
    public void refresh() {
        revoked.addAll(store.revokedTokens());
    }

    /** Forgets revocations and issued tokens that have expired: no verifier accepts them any more. */
    public void sweep() {
        store.expire(clock.instant());
        revoked.retainAll(store.revokedTokens());
    }
}
