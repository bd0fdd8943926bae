package dev.portless.connector.edge.web;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.store.CodeKind;
import dev.portless.connector.edge.store.CodeRedemption;
import dev.portless.connector.edge.store.EdgeStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The codes that carry a freshly minted app token from the edge's issuer to a web app's callback:
 * random, bound to the app and the browser's sign-in state, valid for a short lifetime and good for
 * one redemption attempt at any edge sharing the {@link EdgeStore}. A spent code is remembered until it
 * would have expired, so a replay is named as such.
 */
final class AppSignInCodes {
    private final Duration lifetime;
    private final Clock clock;
    private final EdgeStore store;

    AppSignInCodes(Duration lifetime, Clock clock, EdgeStore store) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
    }

    /** Returns a new code for {@code token} on {@code app}; throws when too many codes wait. */
    String issue(String app, String state, String token, Instant tokenExpiresAt, String returnTo) {
        Grant grant = new Grant(
                app, state, token, tokenExpiresAt, returnTo, clock.instant().plus(lifetime));
        String code;
        do {
            code = BrowserSessions.random();
        } while (!store.putCode(CodeKind.APP_SIGN_IN, code, grant.json(), grant.expiresAt()));
        return code;
    }

    /**
     * Returns the grant of {@code code} when it was issued for {@code app} and {@code state} and has
     * not expired, else the sentence why not; the code is spent whatever the outcome, at every edge sharing the
     * store.
     */
    Redemption redeem(String code, String app, String state) {
        CodeRedemption r = code.isEmpty() ? CodeRedemption.UNKNOWN : store.redeemCode(CodeKind.APP_SIGN_IN, code);
        switch (r.outcome()) {
            case UNKNOWN -> {
                return Redemption.failed("This sign-in link is not valid");
            }
            case REPLAY -> {
                return Redemption.failed("This sign-in link was already used");
            }
            default -> {
                // Spent now; checked below.
            }
        }
        Grant grant = Grant.parse(r.payload().orElseThrow());
        if (!clock.instant().isBefore(grant.expiresAt())) {
            return Redemption.failed("This sign-in link expired (it lasts " + lifetime.toSeconds() + " seconds)");
        }
        if (!grant.app().equals(app) || !sameText(grant.state(), state)) {
            return Redemption.failed("This sign-in link was made for another sign-in");
        }
        return new Redemption(grant, null);
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
    record Grant(String app, String state, String token, Instant tokenExpiresAt, String returnTo, Instant expiresAt) {
        String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("app", app);
            m.put("state", state);
            m.put("token", token);
            m.put("token_expires_at", tokenExpiresAt.toString());
            m.put("return_to", returnTo);
            m.put("expires_at", expiresAt.toString());
            return Json.write(m);
        }

        static Grant parse(String json) {
            try {
                Map<String, Object> m = Json.readObject(json);
                return new Grant(
                        Json.string(m, "app"),
                        Json.string(m, "state"),
                        Json.string(m, "token"),
                        Instant.parse(Json.string(m, "token_expires_at")),
                        Json.string(m, "return_to"),
                        Instant.parse(Json.string(m, "expires_at")));
            } catch (ParseException e) {
                throw new IllegalStateException("a stored app sign-in code is not valid: " + e.getMessage(), e);
            }
        }
    }

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
