package dev.portless.connector.edge.web;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.ReturnPaths;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.signin.SignInPages;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.AppTokenIssuer.IssuedToken;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.edge.store.EdgeStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sign-in for web apps. A browser without credentials on an app's hostname is sent to
 * {@value #START_PATH} on the edge with a state it also holds in a cookie of the app's host; the edge
 * signs the person in (or reuses the browser session), checks the app's policy, mints the app token
 * and sends the browser back to the app's {@value #CALLBACK_PATH} with a single-use code, which
 * that host redeems for its own app cookie. {@value #LOGOUT_PATH} ends the app's cookie.
 */
public final class AppSignIn {
    /** Where an app host sends a browser to sign in, on the issuer. */
    public static final String START_PATH = "/oauth/app";
    /** Paths under this prefix on an app's hostname belong to the edge, never to the origin. */
    public static final String EDGE_PREFIX = "/.portless/";
    /** Where the issuer sends the browser back, on the app's hostname. */
    public static final String CALLBACK_PATH = EDGE_PREFIX + "callback";
    /** Ends the app's cookie, on the app's hostname. */
    public static final String LOGOUT_PATH = EDGE_PREFIX + "logout";

    private static final Logger log = LoggerFactory.getLogger(AppSignIn.class);
    private static final int MAX_STATE = 128;

    private final BrowserSessions sessions;
    private final Map<String, AppRoute> apps;
    private final AppTokenIssuer tokens;
    private final AppSignInCodes codes;
    private final Clock clock;

    /** Returns the web-app sign-in of an edge whose codes last {@code codeLifetime} and live in {@code store}. */
    public AppSignIn(
            BrowserSessions sessions,
            Map<String, AppRoute> apps,
            AppTokenIssuer tokens,
            Duration codeLifetime,
            Clock clock,
            EdgeStore store) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.apps = Map.copyOf(requireNonNull(apps, "apps"));
        this.tokens = requireNonNull(tokens, "tokens");
        this.clock = requireNonNull(clock, "clock");
        this.codes = new AppSignInCodes(requireNonNull(codeLifetime, "codeLifetime"), clock, store);
    }

    /** Adds this feature's routes to {@code router}. */
    public WebRouter.Builder addRoutes(WebRouter.Builder router) {
        return router.get(START_PATH, this::start)
                .get(CALLBACK_PATH, this::callback)
                .get(LOGOUT_PATH, this::logout);
    }

    /**
     * Returns the URL on the edge at {@code issuer} where a browser signs in to {@code app} with
     * {@code state}, landing on {@code returnTo} afterwards.
     */
    public static String startUrl(URI issuer, String app, String state, String returnTo) {
        return issuer + START_PATH + "?app=" + enc(app) + "&state=" + enc(state) + "&return=" + enc(returnTo);
    }

    private WebResponse start(WebRequest r) {
        String app = r.query("app").orElse("");
        AppRoute route = apps.get(app);
        if (route == null) {
            return Pages.error(
                    404, "Unknown app", "This edge has no app " + (app.isEmpty() ? "(none named)" : app) + ".");
        }
        Optional<String> state = r.query("state").filter(s -> s.length() <= MAX_STATE);
        if (state.isEmpty() || !r.duplicated().isEmpty()) {
            return Pages.error(
                    400, "Sign-in link not valid", "The sign-in link is incomplete; open " + app + " again.");
        }
        String returnTo = ReturnPaths.sanitize(r.query("return").orElse("/"));
        Optional<BrowserSession> s = sessions.find(r);
        Optional<Identity> who = s.flatMap(BrowserSession::identity);
        if (who.isEmpty()) {
            return SignInPages.signInFirst(startPathOf(app, state.get(), returnTo));
        }
        PolicyDecision verdict = route.policy().decide(who.get(), r.client());
        if (!verdict.allowed()) {
            log.info(
                    "app sign-in app={} identity={} client={} forbidden: {}",
                    app,
                    who.get().displayName(),
                    r.client().getHostAddress(),
                    verdict.reason());
            return Pages.notAllowed(who.get().displayName(), app);
        }
        IssuedToken token = tokens.issue(who.get(), app, route.sessionDuration());
        String code;
        try {
            code = codes.issue(app, state.get(), token.token(), token.expiresAt(), returnTo);
        } catch (IllegalStateException e) {
            return Pages.error(503, "Busy", "The edge is busy; try again in a minute.");
        }
        log.info(
                "app sign-in app={} identity={} client={}: code issued",
                app,
                who.get().displayName(),
                r.client().getHostAddress());
        return WebResponse.redirect("https://" + app + r.portSuffix() + CALLBACK_PATH + "?code=" + enc(code) + "&state="
                + enc(state.get()));
    }

    private WebResponse callback(WebRequest r) {
        String app = appHost(r);
        if (app == null) {
            return Pages.error(404, "Not found", "There is no page at " + r.path() + " on this edge.");
        }
        String state = r.query("state").orElse("");
        String cookieState = r.cookies().get(AppCookies.STATE);
        if (!AppSignInCodes.sameText(state, cookieState)) {
            // A link from elsewhere, another tab's sign-in, or a browser that dropped the cookie.
            return appError(400, "This sign-in did not start in this browser; open the app again to sign in.");
        }
        AppSignInCodes.Redemption redemption = codes.redeem(r.query("code").orElse(""), app, state);
        if (redemption.grant() == null) {
            return appError(400, redemption.failure());
        }
        AppSignInCodes.Grant g = redemption.grant();
        long maxAge = Math.max(
                0, g.tokenExpiresAt().getEpochSecond() - clock.instant().getEpochSecond());
        return WebResponse.redirect(ReturnPaths.sanitize(g.returnTo()))
                .withHeader("Set-Cookie", AppCookies.app(g.token(), maxAge))
                .withHeader("Set-Cookie", AppCookies.clearedState());
    }

    private WebResponse logout(WebRequest r) {
        String app = appHost(r);
        if (app == null) {
            return Pages.error(404, "Not found", "There is no page at " + r.path() + " on this edge.");
        }
        // The browser's cache may hold the app's pages (those without no-store): after logout, the next
        // person at this browser must not read them without signing in.
        return Pages.appSignedOut(app)
                .withHeader("Set-Cookie", AppCookies.clearedApp())
                .withHeader("Clear-Site-Data", "\"cache\"");
    }

    private WebResponse appError(int status, String sentence) {
        return Pages.appError(status, "Sign-in not completed", sentence)
                .withHeader("Set-Cookie", AppCookies.clearedState());
    }

    /** Returns the app hostname the request's Host names, or null when it is not an app. */
    private String appHost(WebRequest r) {
        String host = hostOnly(r.header("Host").orElse(""));
        return apps.containsKey(host) ? host : null;
    }

    private static String startPathOf(String app, String state, String returnTo) {
        return START_PATH + "?app=" + enc(app) + "&state=" + enc(state) + "&return=" + enc(returnTo);
    }

    private static String hostOnly(String host) {
        String h = host.trim().toLowerCase(java.util.Locale.ROOT);
        int colon = h.lastIndexOf(':');
        h = colon < 0 || h.endsWith("]") ? h : h.substring(0, colon);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
