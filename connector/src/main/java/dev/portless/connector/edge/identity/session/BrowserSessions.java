package dev.portless.connector.edge.identity.session;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.Identity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The edge's browser sessions, kept in memory and named by the {@value #COOKIE} cookie
 * (Secure, HttpOnly, SameSite=Lax, host-only, path /). An anonymous session carries a sign-in in
 * progress for {@link #ANONYMOUS_LIFETIME}; signing in replaces it with a new session under a new id,
 * so an id planted before sign-in is worthless after it.
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
    private final Map<String, BrowserSession> sessions = new ConcurrentHashMap<>();

    private final Consumer<Identity> onSignIn;

    /** Returns a store whose signed-in sessions last {@code lifetime}. */
    public BrowserSessions(Duration lifetime, Clock clock) {
        this(lifetime, clock, identity -> {});
    }

    /** Returns a store whose signed-in sessions last {@code lifetime}; {@code onSignIn} hears of each sign-in. */
    public BrowserSessions(Duration lifetime, Clock clock, Consumer<Identity> onSignIn) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
        this.onSignIn = requireNonNull(onSignIn, "onSignIn");
    }

    /** Returns the live session the request's cookie names, if any. */
    public Optional<BrowserSession> find(WebRequest request) {
        String id = request.cookies().get(COOKIE);
        if (id == null) {
            return Optional.empty();
        }
        BrowserSession s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (!s.expiresAt().isAfter(clock.instant())) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /**
     * Returns a new anonymous session; the caller sets its cookie.
     *
     * @throws IllegalStateException when the store is full
     */
    public BrowserSession startAnonymous() {
        if (sessions.size() >= MAX_SESSIONS) {
            sweep();
            if (sessions.size() >= MAX_SESSIONS) {
                throw new IllegalStateException("too many browser sessions");
            }
        }
        return put(null, clock.instant().plus(ANONYMOUS_LIFETIME));
    }

    /** Returns a new session for {@code identity} and ends {@code previous}; the caller sets the new cookie. */
    public BrowserSession signIn(Optional<BrowserSession> previous, Identity identity) {
        previous.ifPresent(this::end);
        BrowserSession fresh =
                put(requireNonNull(identity, "identity"), clock.instant().plus(lifetime));
        onSignIn.accept(identity);
        return fresh;
    }

    /**
     * Returns the answer that completes a sign-in: a new session for {@code identity} (ending
     * {@code previous}), its cookie, and a redirect to {@code returnTo}, a path already checked.
     */
    public WebResponse completeSignIn(Optional<BrowserSession> previous, Identity identity, String returnTo) {
        BrowserSession fresh = signIn(previous, identity);
        return WebResponse.seeOther(returnTo).withHeader("Set-Cookie", cookie(fresh));
    }

    /** Ends {@code session}. */
    public void end(BrowserSession session) {
        sessions.remove(session.id(), session);
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

    /** Removes expired sessions. */
    public void sweep() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
    }

    /** Returns how many sessions are held, for tests and metrics. */
    public int size() {
        return sessions.size();
    }

    private BrowserSession put(Identity identity, Instant expiresAt) {
        BrowserSession s = new BrowserSession(random(), random(), identity, expiresAt);
        sessions.put(s.id(), s);
        return s;
    }

    /** Returns 32 random bytes in base64url. */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
