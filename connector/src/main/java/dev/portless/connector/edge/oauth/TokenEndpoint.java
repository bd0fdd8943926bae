package dev.portless.connector.edge.oauth;

import dev.portless.common.json.Json;
import dev.portless.common.wire.AppTokenClaims;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.AppTokenIssuer.IssuedToken;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.DevicePoll;
import dev.portless.connector.edge.store.StoredDeviceGrant;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint of the edge's authorization server, where the {@code access} CLI turns an authorization code
 * (with its PKCE verifier) or an approved device code into an app token: each code yields one token, once for
 * every edge sharing the store, and a code presented again revokes what its browser session obtained.
 */
final class TokenEndpoint {
    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
    /** The device code grant type. */
    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private final BrowserSessions sessions;
    private final Map<String, AppRoute> apps;
    private final AppTokenIssuer tokens;
    private final URI issuer;
    private final TokenRevocations revocations;
    private final AuthorizationCodes codes;
    private final DeviceGrants devices;
    private final Clock clock;

    TokenEndpoint(
            BrowserSessions sessions,
            Map<String, AppRoute> apps,
            AppTokenIssuer tokens,
            TokenRevocations revocations,
            AuthorizationCodes codes,
            DeviceGrants devices,
            Clock clock) {
        this.sessions = sessions;
        this.apps = apps;
        this.tokens = tokens;
        this.issuer = tokens.issuer();
        this.revocations = revocations;
        this.codes = codes;
        this.devices = devices;
        this.clock = clock;
    }

    /** Answers {@code POST /oauth/token}. */
    WebResponse token(WebRequest r) {
        if (!r.duplicated().isEmpty()) {
            return OAuthErrors.json(
                    "invalid_request", "The request repeats the parameter " + String.join(", ", r.duplicated()) + ".");
        }
        String grantType = r.form("grant_type").orElse("");
        if (!AppTokenClaims.CLI_CLIENT_ID.equals(r.form("client_id").orElse(""))) {
            return OAuthErrors.json(
                    "invalid_client", "The client_id is missing or not " + AppTokenClaims.CLI_CLIENT_ID + ".");
        }
        return switch (grantType) {
            case "authorization_code" -> redeemCode(r);
            case DEVICE_GRANT -> pollDevice(r);
            default ->
                OAuthErrors.json(
                        "unsupported_grant_type", "The grant_type must be authorization_code or " + DEVICE_GRANT + ".");
        };
    }

    private WebResponse redeemCode(WebRequest r) {
        Optional<String> code = r.form("code");
        if (code.isEmpty()) {
            return OAuthErrors.json("invalid_request", "The code parameter is missing.");
        }
        AuthorizationCodes.Redemption redemption = codes.redeem(code.get());
        if (redemption.grant() == null) {
            if (redemption.replayOf() != null) {
                revokeAfterReplay("authorization code", redemption.replayOf().sessionDigest(), r);
            }
            return OAuthErrors.json("invalid_grant", redemption.failure());
        }
        AuthorizationCodes.Grant g = redemption.grant();
        if (!g.redirectUri().equals(r.form("redirect_uri").orElse(""))) {
            return OAuthErrors.json("invalid_grant", "The redirect_uri differs from the one the code was issued for.");
        }
        if (!g.clientId().equals(r.form("client_id").orElse(""))) {
            return OAuthErrors.json("invalid_grant", "The code was issued to another client.");
        }
        if (!Pkce.matches(r.form("code_verifier").orElse(null), g.challenge())) {
            return OAuthErrors.json("invalid_grant", "The code_verifier does not match the code_challenge.");
        }
        return issue(g.identity(), g.app(), g.sessionDigest(), r);
    }

    /**
     * Revokes the tokens of {@code session} and ends it: a code used twice means someone else holds it
     * (RFC 6749 §4.1.2), and the session that obtained it may be theirs too.
     */
    private void revokeAfterReplay(String what, String sessionDigest, WebRequest r) {
        int revoked = sessionDigest == null ? 0 : revocations.revokeSession(sessionDigest);
        if (sessionDigest != null) {
            sessions.endSessionByDigest(sessionDigest);
        }
        log.warn(
                "token: replayed {} from {}; revoked {} token(s) of its browser session and ended the session",
                what,
                r.client().getHostAddress(),
                revoked);
    }

    private WebResponse pollDevice(WebRequest r) {
        Optional<String> deviceCode = r.form("device_code");
        if (deviceCode.isEmpty()) {
            return OAuthErrors.json("invalid_request", "The device_code parameter is missing.");
        }
        DevicePoll poll = devices.poll(deviceCode.get());
        Optional<StoredDeviceGrant> g = poll.grant();
        return switch (poll.outcome()) {
            case UNKNOWN -> OAuthErrors.json("invalid_grant", "The device_code is not valid; start the sign-in again.");
            case REPLAY -> {
                revokeAfterReplay("device code", g.get().sessionDigest().orElse(null), r);
                yield OAuthErrors.json("invalid_grant", "The device_code was already used; start the sign-in again.");
            }
            case EXPIRED ->
                OAuthErrors.json(
                        "expired_token", "The device code expired before anyone approved it; start the sign-in again.");
            case SLOW_DOWN ->
                OAuthErrors.json(
                        "slow_down", "Polling too fast; wait " + g.get().interval() + " seconds between requests.");
            case PENDING -> OAuthErrors.json("authorization_pending", "Waiting for approval at " + issuer + "/device.");
            case DENIED ->
                OAuthErrors.json(
                        "access_denied",
                        g.get().identity().orElseThrow().displayName() + " denied the sign-in of this device.");
            case FORBIDDEN ->
                OAuthErrors.json(
                        "access_denied",
                        g.get().identity().orElseThrow().displayName() + " is not allowed to reach "
                                + g.get().app() + ".");
            case APPROVED ->
                issue(
                        g.get().identity().orElseThrow(),
                        g.get().app(),
                        g.get().sessionDigest().orElseThrow(),
                        r);
        };
    }

    private WebResponse issue(Identity identity, String app, String sessionDigest, WebRequest r) {
        AppRoute route = apps.get(app);
        // The policy may have changed since sign-in; check again before a token exists.
        if (route == null || !route.policy().decide(identity, r.client()).allowed()) {
            return OAuthErrors.json("invalid_grant", identity.displayName() + " is not allowed to reach " + app + ".");
        }
        IssuedToken t = tokens.issue(identity, app, route.sessionDuration());
        revocations.issued(sessionDigest, t);
        log.info(
                "token app={} identity={} client={} expires={}",
                app,
                identity.displayName(),
                r.client().getHostAddress(),
                t.expiresAt());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", t.token());
        body.put("token_type", "Bearer");
        body.put("expires_in", t.expiresInSeconds(clock.instant()));
        body.put("app", app);
        return OAuthErrors.noStore(WebResponse.json(200, Json.write(body)));
    }
}
