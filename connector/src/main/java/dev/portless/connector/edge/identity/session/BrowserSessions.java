package dev.portless.connector.edge.identity.session;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import dev.portless.connector.edge.store.StoreUnavailableException;
import dev.portless.connector.edge.store.StoredAnonymousSession;
import dev.portless.connector.edge.store.StoredSession;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * The edge's browser sessions, named by the {@value #COOKIE} cookie (Secure, HttpOnly, SameSite=Lax,
 * host-only, path /). An anonymous session carries a sign-in in progress for {@link #ANONYMOUS_LIFETIME};
 * signing in replaces it with a new session under a new id, so an id planted before sign-in is worthless after
 * it. Both kinds live in the {@link EdgeStore}, so every edge sharing that store knows them (a form one edge
 * showed may be posted to another behind the same load balancer). This edge keeps a copy of those it has seen;
 * signed-in ones are checked against the store on each use so a sign-out at one edge ends the session at all
 * of them.
 */
public final class BrowserSessions {
    /** The session cookie's name; the {@code __Host-} prefix makes browsers insist on Secure, Path=/ and no Domain. */
    public static final String COOKIE = "__Host-portless-session";
    /** How long a session without a signed-in identity lives. */
    static final Duration ANONYMOUS_LIFETIME = Duration.ofMinutes(30);
    /** More sessions than this and new anonymous ones are refused until expired ones are swept. */
    static final int MAX_SESSIONS = 100_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration lifetime;
    private final Clock clock;
    private final EdgeStore store;
    private final Map<String, BrowserSession> sessions = new ConcurrentHashMap<>();

    private final Consumer<Identity> onSignIn;
    private final BiPredicate<Identity, Instant> signedOut;

    /** Returns sessions in this edge's memory only, whose signed-in sessions last {@code lifetime}. */
    public BrowserSessions(Duration lifetime, Clock clock) {
        this(lifetime, clock, new InMemoryEdgeStore(clock), identity -> {});
    }

    /** Returns sessions whose signed-in ones last {@code lifetime} and live in {@code store}. */
    public BrowserSessions(Duration lifetime, Clock clock, EdgeStore store) {
        this(lifetime, clock, store, identity -> {});
    }

    /**
     * Returns sessions whose signed-in ones last {@code lifetime} and live in {@code store};
     * {@code onSignIn} hears of each sign-in.
     */
    public BrowserSessions(Duration lifetime, Clock clock, EdgeStore store, Consumer<Identity> onSignIn) {
        this(lifetime, clock, store, onSignIn, (identity, signedInAt) -> false);
    }

    /**
     * Returns sessions whose signed-in ones last {@code lifetime} and live in {@code store}; {@code onSignIn} hears
     * of each sign-in, and a session is over when {@code signedOut} says an administrator signed its identity out
     * after it signed in.
     */
    public BrowserSessions(
            Duration lifetime,
            Clock clock,
            EdgeStore store,
            Consumer<Identity> onSignIn,
            BiPredicate<Identity, Instant> signedOut) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
        this.onSignIn = requireNonNull(onSignIn, "onSignIn");
        this.signedOut = requireNonNull(signedOut, "signedOut");
    }

    /**
     * Returns the live session the request's cookie names, if any.
     *
     * @throws StoreUnavailableException when the cookie names a session and the store cannot be asked about it
     */
    public Optional<BrowserSession> find(WebRequest request) {
        String id = request.cookies().get(COOKIE);
        if (id == null) {
            return Optional.empty();
        }
        BrowserSession s = sessions.get(id);
        if (s != null && !s.expiresAt().isAfter(clock.instant())) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        if (s != null && s.identity().isEmpty()) {
            return Optional.of(s);
        }
        Optional<StoredSession> stored = store.findSession(id);
        if (stored.isEmpty()) {
            if (s != null) {
                sessions.remove(id, s);
                return Optional.empty();
            }
            // Started at another edge, before anyone signed in: its forms carry its CSRF token here too.
            return store.findAnonymousSession(id)
                    .map(a -> remember(new BrowserSession(a.id(), a.csrf(), null, a.expiresAt())));
        }
        if (s != null) {
            return Optional.of(s);
        }
        StoredSession found = stored.get();
        if (signedOut.test(found.identity(), found.expiresAt().minus(lifetime))) {
            // An administrator signed this identity out after this sign-in: the person signs in again.
            endSession(id);
            return Optional.empty();
        }
        return Optional.of(remember(new BrowserSession(found.id(), found.csrf(), found.identity(), found.expiresAt())));
    }

    private BrowserSession remember(BrowserSession copy) {
        BrowserSession raced = sessions.putIfAbsent(copy.id(), copy);
        return raced != null ? raced : copy;
    }

    /**
     * Returns a new anonymous session, stored for every edge; the caller sets its cookie.
     *
     * @throws IllegalStateException     when the store is full
     * @throws StoreUnavailableException when the store cannot be reached
     */
    public BrowserSession startAnonymous() {
        if (sessions.size() >= MAX_SESSIONS) {
            sweep();
            if (sessions.size() >= MAX_SESSIONS) {
                throw new IllegalStateException("too many browser sessions");
            }
        }
        BrowserSession s =
                new BrowserSession(random(), random(), null, clock.instant().plus(ANONYMOUS_LIFETIME));
        store.putAnonymousSession(new StoredAnonymousSession(s.id(), s.csrf(), s.expiresAt()));
        sessions.put(s.id(), s);
        return s;
    }

    /**
     * Returns a new session for {@code identity} and ends {@code previous}; the caller sets the new cookie.
     *
     * @throws StoreUnavailableException when the new session cannot be stored
     */
    public BrowserSession signIn(Optional<BrowserSession> previous, Identity identity) {
        requireNonNull(identity, "identity");
        previous.ifPresent(this::end);
        BrowserSession s =
                new BrowserSession(random(), random(), identity, clock.instant().plus(lifetime));
        store.putSession(new StoredSession(s.id(), s.csrf(), identity, s.expiresAt()));
        sessions.put(s.id(), s);
        onSignIn.accept(identity);
        return s;
    }

    /**
     * Returns the answer that completes a sign-in: a new session for {@code identity} (ending
     * {@code previous}), its cookie, and a redirect to {@code returnTo}, a path already checked.
     */
    public WebResponse completeSignIn(Optional<BrowserSession> previous, Identity identity, String returnTo) {
        BrowserSession fresh = signIn(previous, identity);
        return WebResponse.seeOther(returnTo).withHeader("Set-Cookie", cookie(fresh));
    }

    /** Ends {@code session}, at every edge sharing the store. */
    public void end(BrowserSession session) {
        endSession(session.id());
    }

    /**
     * Ends the session whose digest ({@link EdgeStore#sessionDigest}) is {@code sessionDigest}, here or at another
     * edge sharing the store: what a replayed code names.
     */
    public void endSessionByDigest(String sessionDigest) {
        requireNonNull(sessionDigest, "sessionDigest");
        sessions.keySet().removeIf(id -> EdgeStore.sessionDigest(id).equals(sessionDigest));
        store.endSessionByDigest(sessionDigest);
    }

    /** Ends the session named {@code id}, here or at another edge sharing the store. */
    public void endSession(String id) {
        requireNonNull(id, "id");
        sessions.remove(id);
        store.endSession(id);
    }

    /** Returns the Set-Cookie value that names {@code session}. */
    public String cookie(BrowserSession session) {
        long maxAge = Math.max(
                0, Duration.between(clock.instant(), session.expiresAt()).toSeconds());
        return COOKIE + "=" + session.id() + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" + maxAge;
    }

    /** Returns the Set-Cookie value that removes the session cookie. */
    public static String clearedCookie() {
        return COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0";
    }

    /** Removes expired sessions here and in the store. */
    public void sweep() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
        store.expire(now);
    }

    /** Returns how many sessions are held, for tests and metrics. */
    public int size() {
        return sessions.size();
    }

    /** Returns 32 random bytes in base64url. */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
