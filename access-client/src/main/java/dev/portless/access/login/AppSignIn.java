package dev.portless.access.login;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.AccessException;
import dev.portless.access.limits.AccessLimits;
import dev.portless.access.token.CachedToken;
import dev.portless.access.token.DecodedAppToken;
import dev.portless.access.token.SignInLock;
import dev.portless.access.token.TokenCache;
import dev.portless.common.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * App tokens for one app at one edge: from memory, from the cache, or from a sign-in.
 *
 * <p>However many threads and processes ask at once, one of them signs in: each takes the cache's
 * sign-in lock for this edge and app, then looks at the cache again, since the holder before it
 * may just have stored a token. Blocking: call it off any event loop.
 */
public final class AppSignIn {
    private final SignInSettings settings;
    private final String edge;
    private final TokenCache cache;
    private final BrowserOpener browser;
    private final PrintWriter err;
    private final Clock clock;
    private final Sleeper sleeper;
    private volatile CachedToken current;
    private volatile CachedToken lastSignIn;
    private final AtomicBoolean toldAboutWaiting = new AtomicBoolean();

    /** Returns the sign-in of {@code settings}, with {@code cache} for tokens and {@code err} for the user. */
    public AppSignIn(SignInSettings settings, TokenCache cache, BrowserOpener browser, PrintWriter err) {
        this(settings, cache, browser, err, Clock.systemUTC(), Sleeper.THREAD);
    }

    AppSignIn(
            SignInSettings settings,
            TokenCache cache,
            BrowserOpener browser,
            PrintWriter err,
            Clock clock,
            Sleeper sleeper) {
        this.settings = requireNonNull(settings, "settings");
        this.edge = settings.edge().toString();
        this.cache = requireNonNull(cache, "cache");
        this.browser = requireNonNull(browser, "browser");
        this.err = requireNonNull(err, "err");
        this.clock = requireNonNull(clock, "clock");
        this.sleeper = requireNonNull(sleeper, "sleeper");
    }

    /** Returns the app hostname. */
    public String app() {
        return settings.app();
    }

    /**
     * Returns a token with more than {@link CachedToken#SKEW} to live: the one this process holds,
     * the cached one, or a new one from a sign-in.
     */
    public CachedToken token() throws AccessException, InterruptedException {
        Instant now = clock.instant();
        CachedToken held = current;
        if (held != null && held.isFresh(now)) {
            return held;
        }
        Optional<CachedToken> cached = find().filter(t -> t.isFresh(now));
        if (cached.isPresent()) {
            current = cached.get();
            return cached.get();
        }
        return signInOnce(null);
    }

    /**
     * Returns a token from a new sign-in even when a valid one is cached ({@code access login}),
     * unless another process finishes a sign-in while this one waits for the lock.
     */
    public CachedToken signIn() throws AccessException, InterruptedException {
        return signInOnce(find().map(CachedToken::token).orElse(null));
    }

    /** Returns whether {@code token} came from a sign-in of this object rather than from the cache. */
    public boolean isFromSignIn(CachedToken token) {
        return token.equals(lastSignIn);
    }

    /** Forgets {@code rejected}, a token the edge refused, so that the next {@link #token()} signs in. */
    public void reject(CachedToken rejected) {
        requireNonNull(rejected, "rejected");
        if (rejected.equals(current)) {
            current = null;
        }
        try {
            cache.removeIfSame(edge, settings.app(), rejected.token());
        } catch (IOException | IllegalStateException e) {
            err.println("access: Cannot remove the refused token from " + cache.directory() + ": " + e.getMessage());
        }
    }

    private CachedToken signInOnce(String replacing) throws AccessException, InterruptedException {
        Duration maxWait = settings.timeout().plus(AccessLimits.SIGN_IN_HOLDER_OVERHEAD);
        Runnable onWait = () -> {
            if (toldAboutWaiting.compareAndSet(false, true)) {
                err.println("access: Another sign-in to " + settings.app() + " is in progress; waiting for it...");
            }
        };
        try (SignInLock lock = cache.lock(edge, settings.app(), maxWait, onWait)) {
            Instant now = clock.instant();
            Optional<CachedToken> fresh =
                    find().filter(t -> t.isFresh(now) && !t.token().equals(replacing));
            if (fresh.isPresent()) {
                current = fresh.get();
                return fresh.get();
            }
            CachedToken token = toCached(runFlow());
            try {
                cache.store(token);
            } catch (IOException e) {
                err.println("access: Signed in, but cannot save the token in " + cache.directory() + " ("
                        + e.getMessage() + "); the next command will ask again.");
            }
            current = token;
            lastSignIn = token;
            err.println("access: Signed in to " + settings.app()
                    + (token.identity().isEmpty() ? "" : " as " + token.identity()) + " for "
                    + Durations.format(roundToMinutes(token.timeLeft(clock.instant()))) + ".");
            return token;
        } catch (TimeoutException e) {
            throw new AccessException("Another sign-in to " + settings.app() + " has been in progress for over "
                    + Durations.format(maxWait) + "; finish the sign-in it opened, or try again.");
        } catch (IOException e) {
            throw new AccessException("Cannot use the token cache in " + cache.directory() + ": " + e.getMessage()
                    + "; check its permissions, or set PORTLESS_CONFIG_DIR.");
        }
    }

    private TokenResponse runFlow() throws AccessException, InterruptedException {
        OAuthClient client = new OAuthClient(
                settings.edge(),
                EdgeTrust.sslContext(settings.edgeCa()),
                settings.connectTimeout(),
                settings.connectTimeout().plus(AccessLimits.SIGN_IN_REQUEST_OVERHEAD));
        AuthorizationServer server = client.discover();
        return switch (settings.flow()) {
            case BROWSER -> LoopbackLogin.run(client, server, settings.app(), settings.timeout(), browser, err);
            case DEVICE -> DeviceLogin.run(client, server, settings.app(), settings.timeout(), err, clock, sleeper);
        };
    }

    private CachedToken toCached(TokenResponse response) throws AccessException {
        DecodedAppToken claims;
        try {
            claims = DecodedAppToken.decode(response.accessToken());
        } catch (IllegalArgumentException e) {
            throw new AccessException(
                    "The edge at " + edge + " answered a token that is not a JWT; check the edge's" + " version.");
        }
        String app = settings.app();
        if (response.app().filter(a -> !a.equals(app)).isPresent()
                || (!claims.audience().isEmpty() && !claims.audience().contains(app))) {
            throw new AccessException(
                    "The edge at " + edge + " issued a token for another app than " + app + "; check --edge.");
        }
        // expires_in counts from now on this machine's clock, so a skewed clock does not matter;
        // exp is the edge's clock and only the fallback.
        // Whole seconds, as the cache stores it, so this process and the next see the same token.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = response.expiresIn()
                .map(now::plus)
                .or(claims::expiresAt)
                .orElseThrow(() -> new AccessException(
                        "The edge at " + edge + " answered a token without an" + " expiry; check the edge's version."));
        return new CachedToken(edge, app, response.accessToken(), expiresAt, claims.identity());
    }

    private Optional<CachedToken> find() throws AccessException {
        try {
            return cache.find(edge, settings.app());
        } catch (IllegalStateException e) {
            throw new AccessException(e.getMessage());
        }
    }

    private static Duration roundToMinutes(Duration d) {
        return d.toSeconds() >= 60 ? Duration.ofMinutes((d.toSeconds() + 30) / 60) : Duration.ofSeconds(d.toSeconds());
    }
}
