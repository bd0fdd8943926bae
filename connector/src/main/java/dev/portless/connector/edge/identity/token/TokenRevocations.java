package dev.portless.connector.edge.identity.token;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.IdentitySignOut;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.token.VerifiedAppToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The app tokens revoked before their expiry, and the tokens each browser session led to, so that a replayed
 * authorization or device code revokes every token of the session it came from (RFC 6749 §4.1.2), at whichever
 * edge sharing the {@link EdgeStore} the replay arrives. A revocation is kept until the token would have expired
 * anyway; then it is swept.
 *
 * <p>Token checks run on event loops and never wait for the store: they consult this edge's copy of the revoked
 * ids, which {@link #refresh()} brings up to date from the store off the loops (every second), so a token revoked
 * at another edge is refused here within about a second.
 *
 * <p>It also holds administrators' sign-outs ({@link IdentitySignOut}): an identity's tokens and browser sessions
 * obtained up to the sign-out are refused, and whoever listens ({@link #onSignOut}) ends its live streams, at this
 * edge at once and at the others when their refresh learns of it.
 */
public final class TokenRevocations {
    private final Clock clock;
    private final EdgeStore store;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    // "identity app" → the latest sign-out of that identity from that app that this edge knows.
    private final Map<String, IdentitySignOut> signOuts = new ConcurrentHashMap<>();
    private final List<SignOutListener> listeners = new CopyOnWriteArrayList<>();

    /** Returns an empty list in this edge's memory only, that tells expiry by {@code clock}. */
    public TokenRevocations(Clock clock) {
        this(clock, new InMemoryEdgeStore(clock));
    }

    /** Returns the list kept in {@code store}. */
    public TokenRevocations(Clock clock, EdgeStore store) {
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
    }

    /**
     * Records that {@code token} was issued on the authority of the browser session whose digest
     * ({@link EdgeStore#sessionDigest}) is {@code sessionDigest}.
     */
    public void issued(String sessionDigest, AppTokenIssuer.IssuedToken token) {
        requireNonNull(sessionDigest, "sessionDigest");
        requireNonNull(token, "token");
        store.tokenIssued(sessionDigest, token.jti(), token.expiresAt());
    }

    /** Revokes every token issued on the authority of the browser session {@code sessionDigest} names; returns how many. */
    public int revokeSession(String sessionDigest) {
        Set<String> ids = store.revokeSession(requireNonNull(sessionDigest, "sessionDigest"));
        revoked.addAll(ids);
        return ids.size();
    }

    /** Returns whether the token with id {@code jti} was revoked, as far as this edge has heard; never blocks. */
    public boolean isRevoked(String jti) {
        requireNonNull(jti, "jti");
        return revoked.contains(jti);
    }

    /** Learns the revocations and sign-outs other edges made; blocks on the store, so runs off the event loops. */
    public void refresh() {
        revoked.addAll(store.revokedTokens());
        store.signOuts().forEach(s -> learn(s, false));
    }

    /** Has {@code listener} hear of every sign-out this edge learns, made here or at another edge. */
    public void onSignOut(SignOutListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    /**
     * Signs {@code identity} ({@link #userName} or {@link #serviceTokenName}) out of {@code app}, or of every app
     * when it is empty, as of now; remembered for {@code keep}, longer than any token or session it refuses may
     * live. Blocks on the store.
     */
    public IdentitySignOut signOut(String identity, String app, Duration keep) {
        requireNonNull(identity, "identity");
        requireNonNull(app, "app");
        requireNonNull(keep, "keep");
        // Whole seconds, as a token's iat: a token issued in the sign-out's second is refused too.
        Instant at = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        IdentitySignOut signOut = new IdentitySignOut(identity, app, at, at.plus(keep));
        store.signOut(signOut);
        learn(signOut, true);
        return signOut;
    }

    /** Returns the sign-out that refuses {@code token}, if an administrator signed its identity out after its iat. */
    public Optional<IdentitySignOut> signedOut(VerifiedAppToken token) {
        requireNonNull(token, "token");
        List<String> names = token.serviceToken().isPresent()
                ? List.of(serviceTokenName(token.serviceToken().get()))
                : userNames(token.subject(), token.email());
        return find(names, token.audience(), token.issuedAt());
    }

    /**
     * Returns the sign-out that ends what {@code who} obtained at {@code since} for {@code app}; for a browser
     * session, which serves every app, {@code app} is null and a sign-out from any app counts.
     */
    public Optional<IdentitySignOut> signedOut(Identity who, String app, Instant since) {
        requireNonNull(who, "who");
        requireNonNull(since, "since");
        List<String> names = who.serviceToken().isPresent()
                ? List.of(serviceTokenName(who.serviceToken().get()))
                : userNames(who.subject(), who.email());
        return find(names, app, since);
    }

    /** Returns the name a sign-out of the person {@code emailOrSubject} is stored under. */
    public static String userName(String emailOrSubject) {
        return "user:" + requireNonNull(emailOrSubject, "emailOrSubject");
    }

    /** Returns the name a sign-out of the service token {@code name} is stored under. */
    public static String serviceTokenName(String name) {
        return "service-token:" + requireNonNull(name, "name");
    }

    private static List<String> userNames(String subject, Optional<String> email) {
        return email.map(e -> List.of(userName(e.toLowerCase(Locale.ROOT)), userName(subject)))
                .orElseGet(() -> List.of(userName(subject)));
    }

    private Optional<IdentitySignOut> find(List<String> names, String app, Instant since) {
        if (signOuts.isEmpty()) {
            return Optional.empty();
        }
        return signOuts.values().stream()
                .filter(s -> names.contains(s.identity()) && (app == null || s.covers(app)))
                .filter(s -> !since.isAfter(s.at().plusMillis(999)))
                .findFirst();
    }

    private void learn(IdentitySignOut signOut, boolean madeHere) {
        String key = signOut.identity() + ' ' + signOut.app();
        IdentitySignOut before = signOuts.get(key);
        if (before != null && !signOut.at().isAfter(before.at())) {
            return;
        }
        signOuts.put(key, signOut);
        listeners.forEach(l -> l.learned(signOut, madeHere));
    }

    /** Forgets revocations and issued tokens that have expired: no verifier accepts them any more. */
    public void sweep() {
        store.expire(clock.instant());
        revoked.retainAll(store.revokedTokens());
        signOuts.values().retainAll(store.signOuts());
    }

    /** The listener of the sign-outs an edge learns. */
    @FunctionalInterface
    public interface SignOutListener {
        /**
         * This edge learnt {@code signOut}: made by its own admin listener when {@code madeHere}, else read from
         * the store another edge wrote it to.
         */
        void learned(IdentitySignOut signOut, boolean madeHere);
    }
}
