package dev.portless.connector.edge.oauth;

import static java.util.Objects.requireNonNull;

import dev.portless.common.json.Json;
import dev.portless.common.wire.AppTokenClaims;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.config.EdgeLimits.RateLimit;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.signin.SignInPages;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.TokenRevocations;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.StoredDeviceGrant;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge as the OAuth 2.0 authorization server of the {@code access} CLI, a public client:
 * RFC 8414 metadata, the authorization code flow with a loopback redirect (RFC 8252) and mandatory
 * PKCE S256, and the device authorization grant (RFC 8628). The tokens it issues, at its {@link TokenEndpoint},
 * are app tokens for exactly one app.
 */
public final class AuthorizationServer {
    private static final Logger log = LoggerFactory.getLogger(AuthorizationServer.class);

    private static final int MAX_STATE = 1024;
    private static final int MAX_USER_AGENT = 200;

    private final URI issuer;
    private final BrowserSessions sessions;
    private final Map<String, AppRoute> apps;
    private final Clock clock;
    private final AuthorizationCodes codes;
    private final DeviceGrants devices;
    private final EdgeLimits limits;
    private final EdgeStore store;
    private final TokenRevocations revocations;
    private final TokenEndpoint tokenEndpoint;

    /**
     * Returns the server of an edge at {@code tokens.issuer()}, which records in {@code revocations} what each
     * browser session obtained and revokes it when a code is replayed.
     */
    public AuthorizationServer(
            BrowserSessions sessions,
            Map<String, AppRoute> apps,
            AppTokenIssuer tokens,
            TokenRevocations revocations,
            EdgeLimits limits,
            Clock clock,
            EdgeStore store) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.revocations = requireNonNull(revocations, "revocations");
        this.apps = Map.copyOf(requireNonNull(apps, "apps"));
        this.issuer = requireNonNull(tokens, "tokens").issuer();
        this.clock = requireNonNull(clock, "clock");
        this.limits = requireNonNull(limits, "limits");
        this.codes = new AuthorizationCodes(limits.authorizationCodeLifetime(), clock, store);
        this.devices = new DeviceGrants(limits.deviceCodeLifetime(), clock, store);
        this.store = requireNonNull(store, "store");
        this.tokenEndpoint = new TokenEndpoint(sessions, this.apps, tokens, revocations, codes, devices, clock);
    }

    /** Adds the OAuth routes and the {@code /device} pages to {@code router}. */
    public WebRouter.Builder addRoutes(WebRouter.Builder router) {
        DevicePages device = new DevicePages(
                sessions,
                apps,
                devices,
                issuer,
                new DeviceCodeGuesses(store, limits.deviceCodeGuesses(), clock),
                clock);
        return device.addRoutes(router.get(AppTokenClaims.METADATA_PATH, r -> metadata())
                .get("/oauth/authorize", this::authorize)
                .post("/oauth/token", tokenEndpoint::token)
                .post("/oauth/device_authorization", this::deviceAuthorization)
                .get(AppTokenClaims.NOT_ALLOWED_PATH, this::notAllowed));
    }

    /** Removes expired codes, device authorizations and revocations. */
    public void sweep() {
        revocations.sweep();
    }

    private WebResponse metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer.toString());
        m.put("authorization_endpoint", issuer + "/oauth/authorize");
        m.put("token_endpoint", issuer + "/oauth/token");
        m.put("device_authorization_endpoint", issuer + "/oauth/device_authorization");
        m.put("jwks_uri", issuer + AppTokenClaims.JWKS_PATH);
        m.put("response_types_supported", List.of("code"));
        m.put("grant_types_supported", List.of("authorization_code", TokenEndpoint.DEVICE_GRANT));
        m.put("code_challenge_methods_supported", List.of(Pkce.S256));
        m.put("token_endpoint_auth_methods_supported", List.of("none"));
        return WebResponse.json(200, Json.write(m)).withHeader("Cache-Control", "public, max-age=300");
    }

    private WebResponse authorize(WebRequest r) {
        // Until client and redirect URI are known good, errors stay on the edge's own page.
        if (!r.duplicated().isEmpty()) {
            return Pages.error(
                    400,
                    "Sign-in request refused",
                    "The sign-in request repeats the parameter " + String.join(", ", r.duplicated())
                            + "; start the sign-in again from your terminal.");
        }
        if (!AppTokenClaims.CLI_CLIENT_ID.equals(r.query("client_id").orElse(""))) {
            return Pages.error(
                    400,
                    "Sign-in request refused",
                    "The sign-in request names an unknown client; " + "start the sign-in again with the access CLI.");
        }
        String redirectText = r.query("redirect_uri").orElse("");
        if (LoopbackRedirect.parse(redirectText).isEmpty()) {
            log.warn(
                    "authorize from {} refused: redirect_uri {} is not a loopback callback",
                    r.client().getHostAddress(),
                    redirectText);
            return Pages.error(
                    400,
                    "Sign-in request refused",
                    "The sign-in request would send you to an address "
                            + "that is not your own machine's access CLI; it was refused. Start the sign-in again from your "
                            + "terminal.");
        }
        Optional<String> state = r.query("state");
        if (state.isEmpty() || state.get().length() > MAX_STATE) {
            return redirectError(
                    redirectText,
                    null,
                    "invalid_request",
                    "The state parameter is missing or longer than " + MAX_STATE + " characters.");
        }
        if (!"code".equals(r.query("response_type").orElse(""))) {
            return redirectError(
                    redirectText, state.get(), "unsupported_response_type", "Only response_type=code is supported.");
        }
        String method = r.query("code_challenge_method").orElse("");
        if (!Pkce.S256.equals(method)
                || !Pkce.isChallenge(r.query("code_challenge").orElse(""))) {
            return redirectError(
                    redirectText,
                    state.get(),
                    "invalid_request",
                    "PKCE is required: send code_challenge (43 base64url characters) with code_challenge_method=S256.");
        }
        String app = r.query("app").orElse("");
        AppRoute route = apps.get(app);
        if (route == null) {
            return redirectError(
                    redirectText,
                    state.get(),
                    "invalid_request",
                    "This edge has no app " + (app.isEmpty() ? "(the app parameter is missing)" : app) + ".");
        }
        Optional<BrowserSession> s = sessions.find(r);
        Optional<Identity> who = s.flatMap(BrowserSession::identity);
        if (who.isEmpty()) {
            return SignInPages.signInFirst("/oauth/authorize?" + canonicalQuery(r));
        }
        PolicyDecision verdict = route.policy().decide(who.get(), r.client());
        if (!verdict.allowed()) {
            log.info(
                    "authorize app={} identity={} client={} forbidden: {}",
                    app,
                    who.get().displayName(),
                    r.client().getHostAddress(),
                    verdict.reason());
            // The CLI must hear of it at once (not at its time-out); it sends the browser to
            // AppTokenClaims.NOT_ALLOWED_PATH.
            return redirectError(
                    redirectText,
                    state.get(),
                    "access_denied",
                    who.get().displayName() + " is not allowed to reach " + app + ".");
        }
        String code;
        try {
            code = codes.issue(
                    AppTokenClaims.CLI_CLIENT_ID,
                    redirectText,
                    r.query("code_challenge").get(),
                    app,
                    who.get(),
                    s.get());
        } catch (IllegalStateException e) {
            return Pages.error(503, "Busy", "The edge is busy; try again in a minute.");
        }
        log.info(
                "authorize app={} identity={} client={}: code issued",
                app,
                who.get().displayName(),
                r.client().getHostAddress());
        return WebResponse.redirect(redirectText + "?code=" + enc(code) + "&state=" + enc(state.get()));
    }

    /** Returns the "not allowed" page for the signed-in person and {@code ?app=}, if the policy refuses them. */
    private WebResponse notAllowed(WebRequest r) {
        Optional<Identity> who = sessions.find(r).flatMap(BrowserSession::identity);
        if (who.isEmpty()) {
            return SignInPages.signInFirst("/");
        }
        AppRoute route = apps.get(r.query("app").orElse(""));
        if (route == null || route.policy().decide(who.get(), r.client()).allowed()) {
            // Nothing to explain: an unknown app, or one this person may reach after all.
            return WebResponse.redirect("/");
        }
        return Pages.notAllowed(who.get().displayName(), route.hostname());
    }

    private WebResponse deviceAuthorization(WebRequest r) {
        if (!r.duplicated().isEmpty()) {
            return OAuthErrors.json(
                    "invalid_request", "The request repeats the parameter " + String.join(", ", r.duplicated()) + ".");
        }
        if (!AppTokenClaims.CLI_CLIENT_ID.equals(r.form("client_id").orElse(""))) {
            return OAuthErrors.json(
                    "invalid_client", "The client_id is missing or not " + AppTokenClaims.CLI_CLIENT_ID + ".");
        }
        String app = r.form("app").orElse("");
        if (!apps.containsKey(app)) {
            return OAuthErrors.json(
                    "invalid_request",
                    "This edge has no app " + (app.isEmpty() ? "(the app parameter is missing)" : app) + ".");
        }
        // Counted in the store, so starts spread over the edges sharing it add up.
        RateLimit starts = limits.deviceStarts();
        if (!store.takeFromWindow(
                "device-starts-client:" + r.client().getHostAddress(),
                starts.events(),
                starts.window(),
                clock.instant())) {
            return OAuthErrors.json("slow_down", "Too many device sign-ins from this address; wait a few minutes.");
        }
        String agent = r.header("User-Agent").orElse("unknown");
        agent = agent.length() > MAX_USER_AGENT ? agent.substring(0, MAX_USER_AGENT) : agent;
        DeviceGrants.Started started;
        try {
            started = devices.start(app, r.client().getHostAddress(), agent);
        } catch (IllegalStateException e) {
            return OAuthErrors.json("temporarily_unavailable", "The edge is busy; try again in a minute.");
        }
        StoredDeviceGrant g = started.grant();
        // Never the user code: whoever reads the log could type it in and approve a device of theirs.
        log.info("device authorization app={} client={}", app, g.client());
        String verification = issuer + "/device";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_code", started.deviceCode());
        body.put("user_code", g.userCode());
        body.put("verification_uri", verification);
        body.put("verification_uri_complete", verification + "?user_code=" + g.userCode());
        body.put("expires_in", limits.deviceCodeLifetime().toSeconds());
        body.put("interval", DeviceGrants.INTERVAL);
        return OAuthErrors.noStore(WebResponse.json(200, Json.write(body)));
    }

    private static WebResponse redirectError(String redirectUri, String state, String error, String description) {
        return WebResponse.redirect(redirectUri + "?error=" + enc(error) + "&error_description=" + enc(description)
                + (state == null ? "" : "&state=" + enc(state)));
    }

    /** Returns the authorize parameters the edge understands, encoded again, for the return after sign-in. */
    private static String canonicalQuery(WebRequest r) {
        return List.of(
                        "response_type",
                        "client_id",
                        "redirect_uri",
                        "state",
                        "code_challenge",
                        "code_challenge_method",
                        "app")
                .stream()
                .filter(k -> r.query(k).isPresent())
                .map(k -> k + "=" + enc(r.query(k).get()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
