package dev.portless.connector.edge.web;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.session.BrowserSessions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The codes that carry a freshly minted app token from the edge's issuer to a web app's callback:
 * random, bound to the app and the browser's sign-in state, valid for a short lifetime and good for
 * one redemption attempt. A spent code is remembered until it would have expired, so a replay is
 * named as such.
 */
final class AppSignInCodes {
    private static final int MAX_CODES = 10_000;

    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, Grant> pending = new ConcurrentHashMap<>();
    private final Map<String, Instant> spent = new ConcurrentHashMap<>();

    AppSignInCodes(Duration lifetime, Clock clock) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns a new code for {@code token} on {@code app}; throws when too many codes wait. */
    String issue(String app, String state, String token, Instant tokenExpiresAt, String returnTo) {
        if (pending.size() >= MAX_CODES) {
            sweep();
            if (pending.size() >= MAX_CODES) {
                throw new IllegalStateException("too many app sign-in codes pending");
            }
        }
        String code = BrowserSessions.random();
        pending.put(
                code,
                new Grant(
                        app,
                        state,
                        token,
                        tokenExpiresAt,
                        returnTo,
                        clock.instant().plus(lifetime)));
        return code;
    }

    /**
     * Returns the grant of {@code code} when it was issued for {@code app} and {@code state} and has
     * not expired, else the sentence why not; the code is spent whatever the outcome.
     */
    Redemption redeem(String code, String app, String state) {
        Grant grant = pending.remove(code);
        if (grant == null) {
            return spent.containsKey(code)
                    ? Redemption.failed("This sign-in link was already used")
                    : Redemption.failed("This sign-in link is not valid");
        }
        spent.put(code, grant.expiresAt());
        if (!clock.instant().isBefore(grant.expiresAt())) {
            return Redemption.failed("This sign-in link expired (it lasts " + lifetime.toSeconds() + " seconds)");
        }
        if (!grant.app().equals(app) || !sameText(grant.state(), state)) {
            return Redemption.failed("This sign-in link was made for another sign-in");
        }
        return new Redemption(grant, null);
    }

    void sweep() {
        Instant now = clock.instant();
        pending.values().removeIf(g -> !now.isBefore(g.expiresAt()));
        spent.values().removeIf(t -> !now.isBefore(t));
    }

    /** Returns whether two secrets are equal, in time that does not depend on where they differ. */
    static boolean sameText(String a, String b) {
        return a != null
                && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What a code was issued for.
     *
     * @param app            the app hostname the token is for
     * @param state          the browser's sign-in state
     * @param token          the app token
     * @param tokenExpiresAt the token's {@code exp}
     * @param returnTo       the path on the app to land on
     * @param expiresAt      when the code lapses
     */
    record Grant(String app, String state, String token, Instant tokenExpiresAt, String returnTo, Instant expiresAt) {}

    /**
     * A grant, or the sentence why there is none.
     *
     * @param grant   the grant when the code was good
     * @param failure the sentence when it was not
     */
    record Redemption(Grant grant, String failure) {
        static Redemption failed(String why) {
            return new Redemption(null, why + "; open the app again to sign in.");
        }
    }
}
