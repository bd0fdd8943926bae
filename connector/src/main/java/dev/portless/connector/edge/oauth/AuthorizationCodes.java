package dev.portless.connector.edge.oauth;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.CodeKind;
import dev.portless.connector.edge.store.CodeRedemption;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.IdentityJson;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The authorization codes waiting to be redeemed: random, valid for their lifetime, bound
 * to the client, the redirect URI, the PKCE challenge and the app, and good for one redemption
 * attempt at any edge sharing the {@link EdgeStore}. A redeemed code is remembered, with the browser session
 * it came from, until it would have expired, so a replay is named as such and can revoke what that session
 * obtained.
 */
final class AuthorizationCodes {
    private final Duration lifetime;
    private final Clock clock;
    private final EdgeStore store;

    /** Returns codes kept in {@code store} that wait at most {@code lifetime} to be redeemed. */
    AuthorizationCodes(Duration lifetime, Clock clock, EdgeStore store) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
    }

    /** Returns a new code for {@code grant}. */
    String issue(
            String clientId,
            String redirectUri,
            String challenge,
            String app,
            Identity identity,
            BrowserSession session) {
        Grant grant = new Grant(
                clientId,
                redirectUri,
                challenge,
                app,
                identity,
                EdgeStore.sessionDigest(session.id()),
                clock.instant().plus(lifetime));
        String code;
        do {
            code = BrowserSessions.random();
        } while (!store.putCode(CodeKind.AUTHORIZATION, code, grant.json(), grant.expiresAt()));
        return code;
    }

    /** Returns the outcome of redeeming {@code code}: the code is spent whatever the outcome. */
    Redemption redeem(String code) {
        CodeRedemption r = store.redeemCode(CodeKind.AUTHORIZATION, code);
        if (r.outcome() == CodeRedemption.Outcome.UNKNOWN) {
            return Redemption.UNKNOWN;
        }
        Grant grant = Grant.parse(r.payload().orElseThrow());
        if (r.outcome() == CodeRedemption.Outcome.REPLAY) {
            return Redemption.replayOf(grant);
        }
        if (!clock.instant().isBefore(grant.expiresAt())) {
            return Redemption.EXPIRED;
        }
        return new Redemption(grant, null);
    }

    /**
     * What a code was issued for.
     *
     * @param clientId    the client it was issued to
     * @param redirectUri the redirect URI it was sent to
     * @param challenge   the PKCE S256 challenge
     * @param app         the app the token is for
     * @param identity    who signed in
     * @param sessionDigest the digest of the browser session that signed in ({@link EdgeStore#sessionDigest})
     * @param expiresAt   when the code lapses
     */
    record Grant(
            String clientId,
            String redirectUri,
            String challenge,
            String app,
            Identity identity,
            String sessionDigest,
            Instant expiresAt) {

        String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("client_id", clientId);
            m.put("redirect_uri", redirectUri);
            m.put("challenge", challenge);
            m.put("app", app);
            m.put("identity", IdentityJson.fields(identity));
            m.put("session_sha256", sessionDigest);
            m.put("expires_at", expiresAt.toString());
            return Json.write(m);
        }

        static Grant parse(String json) {
            try {
                Map<String, Object> m = Json.readObject(json);
                if (!(m.get("identity") instanceof Map<?, ?> identity)) {
                    throw new ParseException("identity is not an object", 0);
                }
                @SuppressWarnings("unchecked")
                Map<String, ?> fields = (Map<String, ?>) identity;
                return new Grant(
                        Json.string(m, "client_id"),
                        Json.string(m, "redirect_uri"),
                        Json.string(m, "challenge"),
                        Json.string(m, "app"),
                        IdentityJson.read(fields),
                        sessionDigest(m),
                        Instant.parse(Json.string(m, "expires_at")));
            } catch (ParseException e) {
                throw new IllegalStateException("a stored authorization code is not valid: " + e.getMessage(), e);
            }
        }

        /**
         * Returns the session digest of a stored grant; a code stored before the store kept digests only names the
         * session's id, and lives a few minutes at most.
         */
        private static String sessionDigest(Map<String, Object> m) throws ParseException {
            String digest = Json.string(m, "session_sha256");
            if (digest != null) {
                return digest;
            }
            String id = Json.string(m, "session");
            if (id == null) {
                throw new ParseException("session_sha256 is missing", 0);
            }
            return EdgeStore.sessionDigest(id);
        }
    }

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
