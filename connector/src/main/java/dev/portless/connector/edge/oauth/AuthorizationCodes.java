package dev.portless.connector.edge.oauth;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.policy.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The authorization codes waiting to be redeemed: random, valid for their lifetime, bound
 * to the client, the redirect URI, the PKCE challenge and the app, and good for one redemption
 * attempt. A redeemed code is remembered, with the browser session it came from, until it would have
 * expired, so a replay is named as such and can revoke what that session obtained.
 */
final class AuthorizationCodes {
    private static final int MAX_CODES = 10_000;

    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, Grant> pending = new ConcurrentHashMap<>();
    private final Map<String, Grant> redeemed = new ConcurrentHashMap<>();

    /** Returns codes that wait at most {@code lifetime} to be redeemed. */
    AuthorizationCodes(Duration lifetime, Clock clock) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns a new code for {@code grant}; throws when too many codes wait. */
    String issue(
            String clientId,
            String redirectUri,
            String challenge,
            String app,
            Identity identity,
            BrowserSession session) {
        if (pending.size() >= MAX_CODES) {
            sweep();
            if (pending.size() >= MAX_CODES) {
                throw new IllegalStateException("too many authorization codes pending");
            }
        }
        String code = BrowserSessions.random();
        pending.put(
                code,
                new Grant(
                        clientId,
                        redirectUri,
                        challenge,
                        app,
                        identity,
                        session,
                        clock.instant().plus(lifetime)));
        return code;
    }

    /** Returns the outcome of redeeming {@code code}: the code is spent whatever the outcome. */
    Redemption redeem(String code) {
        Grant grant = pending.remove(code);
        Instant now = clock.instant();
        if (grant == null) {
            Grant spent = redeemed.get(code);
            return spent != null ? Redemption.replayOf(spent) : Redemption.UNKNOWN;
        }
        redeemed.put(code, grant);
        if (!now.isBefore(grant.expiresAt())) {
            return Redemption.EXPIRED;
        }
        return new Redemption(grant, null);
    }

    void sweep() {
        Instant now = clock.instant();
        pending.values().removeIf(g -> !now.isBefore(g.expiresAt()));
        redeemed.values().removeIf(g -> !now.isBefore(g.expiresAt()));
    }

    /**
     * What a code was issued for.
     *
     * @param clientId    the client it was issued to
     * @param redirectUri the redirect URI it was sent to
     * @param challenge   the PKCE S256 challenge
     * @param app         the app the token is for
     * @param identity    who signed in
     * @param session     the browser session that signed in
     * @param expiresAt   when the code lapses
     */
    record Grant(
            String clientId,
            String redirectUri,
            String challenge,
            String app,
            Identity identity,
            BrowserSession session,
            Instant expiresAt) {}

    /**
     * A grant, or why there is none.
     *
     * @param grant    the grant when the code was good
     * @param failure  the sentence when it was not
     * @param replayOf the grant of the first redemption when the code was used before
     */
    record Redemption(Grant grant, String failure, Grant replayOf) {
        static final Redemption UNKNOWN =
                new Redemption(null, "The authorization code is not valid; sign in again.", null);
        static final Redemption EXPIRED =
                new Redemption(null, "The authorization code expired (codes last 60 seconds); sign in again.", null);

        Redemption(Grant grant, String failure) {
            this(grant, failure, null);
        }

        static Redemption replayOf(Grant first) {
            return new Redemption(null, "The authorization code was already used; sign in again.", first);
        }
    }
}
