package dev.portless.connector.edge.identity.signin;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.FormGuard;
import dev.portless.connector.edge.identity.ReturnPaths;
import dev.portless.connector.edge.identity.pin.PinProvider;
import dev.portless.connector.edge.identity.pin.PinSignIn;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.PinAttempt;
import dev.portless.connector.edge.store.StoredPinChallenge;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of signing in at the edge: the sign-in page (a choice of providers), the
 * e-mail PIN, the app launcher at {@code /}, and sign-out. Upstream OIDC providers add their own
 * routes; both end in {@link BrowserSessions#completeSignIn}.
 */
public final class SignInPages {
    private static final Logger log = LoggerFactory.getLogger(SignInPages.class);

    private final BrowserSessions sessions;
    private final FormGuard guard;
    private final Optional<PinProvider> pin;
    private final List<Pages.Provider> providers;
    private final Map<String, AppRoute> apps;
    private final URI issuer;
    private final Clock clock;
    private final EdgeStore store;

    /**
     * Returns the pages of an edge at {@code issuer} whose people sign in with {@code pin} and the
     * upstream providers in {@code providers} (the PIN provider is added to the list when present), checking PINs
     * against the challenges in {@code store}.
     */
    public SignInPages(
            BrowserSessions sessions,
            Optional<PinProvider> pin,
            List<Pages.Provider> upstream,
            Map<String, AppRoute> apps,
            URI issuer,
            Clock clock,
            EdgeStore store) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.pin = requireNonNull(pin, "pin");
        // Not copied: the edge passes a view that follows reloads of its apps.
        this.apps = requireNonNull(apps, "apps");
        this.issuer = requireNonNull(issuer, "issuer");
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
        this.guard = new FormGuard(issuer);
        List<Pages.Provider> all = new ArrayList<>();
        pin.ifPresent(p -> all.add(new Pages.Provider(p.name(), p.displayName(), true)));
        all.addAll(upstream);
        this.providers = List.copyOf(all);
    }

    /** Adds this feature's routes to {@code router}. */
    public WebRouter.Builder addRoutes(WebRouter.Builder router) {
        return router.get("/", this::launcher)
                .get("/signin", this::signIn)
                .post("/signin/pin", this::sendPin)
                .get("/signin/pin/code", this::pinPage)
                .post("/signin/pin/code", this::checkPin)
                .get("/signed-in", this::signedIn)
                .get("/signout", this::signOutPage)
                .post("/signout", this::signOut);
    }

    /** Returns a redirect to the sign-in page that comes back to {@code returnTo}. */
    public static WebResponse signInFirst(String returnTo) {
        return WebResponse.redirect("/signin?return=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8));
    }

    private WebResponse launcher(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        Optional<Identity> who = s.flatMap(BrowserSession::identity);
        if (who.isEmpty()) {
            return signInFirst("/");
        }
        // Web apps share the edge's listener: their links use the port the browser reached the edge on.
        String port = r.portSuffix();
        List<Pages.LauncherApp> reachable = apps.values().stream()
                .filter(a -> a.policy().decide(who.get(), r.client()).allowed())
                .map(a -> new Pages.LauncherApp(a.hostname(), port))
                .sorted((x, y) -> x.hostname().compareTo(y.hostname()))
                .toList();
        return Pages.launcher(who.get().displayName(), s.get().csrf(), issuer.toString(), reachable);
    }

    private WebResponse signIn(WebRequest r) {
        String returnTo = ReturnPaths.sanitize(r.query("return").orElse("/"));
        Optional<BrowserSession> s = sessions.find(r);
        if (s.flatMap(BrowserSession::identity).isPresent()) {
            return WebResponse.redirect(returnTo);
        }
        String note = r.query("expired").isPresent() ? "That form had expired; please try again." : null;
        return withSession(s, session -> Pages.signIn(providers, session.csrf(), returnTo, appOf(returnTo), note));
    }

    private WebResponse sendPin(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        String returnTo = ReturnPaths.sanitize(r.form("return").orElse("/"));
        if (!guard.accepts(r, s)) {
            return expired(returnTo);
        }
        if (pin.isEmpty()) {
            return Pages.error(404, "Sign-in", "E-mail codes are not enabled on this edge.");
        }
        String problem = pin.get().send(s.get(), r.form("email").orElse(""), returnTo, r.client());
        if (problem != null) {
            return Pages.signIn(providers, s.get().csrf(), returnTo, appOf(returnTo), problem);
        }
        PinSignIn started = s.get().pending(PinSignIn.class).orElseThrow();
        return WebResponse.seeOther("/signin/pin/code")
                .withHeader("Set-Cookie", pin.get().cookie(started));
    }

    private WebResponse pinPage(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        // The challenge may have been asked for at another edge: its cookie names it there and here alike.
        Optional<StoredPinChallenge> challenge = s.flatMap(x -> x.pending(PinSignIn.class))
                .map(PinSignIn::challengeId)
                .or(() -> Optional.ofNullable(r.cookies().get(PinProvider.COOKIE)))
                .flatMap(id -> store.findPinChallenge(id, clock.instant()));
        if (challenge.isEmpty() || challenge.get().attemptsLeft() <= 0) {
            return WebResponse.redirect("/signin");
        }
        // The tries left at every edge, so a reload shows what wrong answers anywhere used up.
        return Pages.pinEntry(
                challenge.get().email(),
                s.map(BrowserSession::csrf).orElse(""),
                challenge.get().attemptsLeft(),
                null);
    }

    private WebResponse checkPin(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        Optional<String> cookie = Optional.ofNullable(r.cookies().get(PinProvider.COOKIE));
        Optional<String> id;
        if (guard.accepts(r, s)) {
            id = s.get().pending(PinSignIn.class).map(PinSignIn::challengeId).or(() -> cookie);
        } else if (cookie.isPresent() && guard.fromOwnOrigin(r)) {
            // Asked for at another edge, whose anonymous session this one does not know: the SameSite=Strict
            // cookie only comes with the edge's own pages' posts, so it stands in for the session's CSRF token.
            id = cookie;
        } else {
            return expired("/");
        }
        if (id.isEmpty()) {
            return WebResponse.seeOther("/signin");
        }
        if (pin.isEmpty()) {
            // A reload took the PIN provider away after this code was sent: the code no longer signs anyone in.
            s.ifPresent(BrowserSession::clearSignIn);
            return Pages.error(
                            400,
                            "Sign-in failed",
                            "Sign-in with an e-mail code was removed from this edge's configuration after your code"
                                    + " was sent; start again and choose another way to sign in.")
                    .withHeader("Set-Cookie", PinProvider.clearedCookie());
        }
        String digits = r.form("pin").orElse("").replaceAll("[\\s-]", "");
        PinAttempt attempt = store.attemptPin(id.get(), digits, clock.instant());
        String csrf = s.map(BrowserSession::csrf).orElse("");
        if (attempt.outcome() == PinAttempt.Outcome.WRONG) {
            StoredPinChallenge c = attempt.challenge().orElseThrow();
            return Pages.pinEntry(c.email(), csrf, c.attemptsLeft(), "That code is not right.");
        }
        s.ifPresent(BrowserSession::clearSignIn);
        if (attempt.outcome() == PinAttempt.Outcome.UNKNOWN) {
            return WebResponse.seeOther("/signin").withHeader("Set-Cookie", PinProvider.clearedCookie());
        }
        StoredPinChallenge c = attempt.challenge().orElseThrow();
        WebResponse answer = switch (attempt.outcome()) {
            case SIGNED_IN -> {
                log.info(
                        "Signed in {} with an e-mail code (client {})",
                        c.email(),
                        r.client().getHostAddress());
                Identity identity = Identity.user(pin.get().name(), c.email(), Optional.of(c.email()), List.of());
                yield sessions.completeSignIn(s, identity, c.returnTo());
            }
            case LOCKED -> {
                log.warn(
                        "PIN for {} locked after {} wrong tries (client {})",
                        c.email(),
                        PinProvider.ATTEMPTS,
                        r.client().getHostAddress());
                yield Pages.signIn(
                        providers,
                        csrf,
                        c.returnTo(),
                        appOf(c.returnTo()),
                        "That code was wrong " + PinProvider.ATTEMPTS + " times and no longer works; "
                                + "request a new one.");
            }
            default ->
                Pages.signIn(
                        providers,
                        csrf,
                        c.returnTo(),
                        appOf(c.returnTo()),
                        "That code has expired; request a new one.");
        };
        return answer.withHeader("Set-Cookie", PinProvider.clearedCookie());
    }

    private WebResponse signedIn(WebRequest r) {
        Optional<Identity> who = sessions.find(r).flatMap(BrowserSession::identity);
        if (who.isEmpty()) {
            return signInFirst("/");
        }
        String app = r.query("app").filter(apps::containsKey).orElse(null);
        return Pages.signedIn(who.get().displayName(), app);
    }

    private WebResponse signOutPage(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        if (s.flatMap(BrowserSession::identity).isEmpty()) {
            return Pages.signedOut().withHeader("Set-Cookie", BrowserSessions.clearedCookie());
        }
        return Pages.signOutConfirm(
                s.get().identity().orElseThrow().displayName(), s.get().csrf());
    }

    private WebResponse signOut(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        if (!guard.accepts(r, s)) {
            return expired("/");
        }
        sessions.end(s.get());
        s.get().identity().ifPresent(i -> log.info("Signed out {}", i.displayName()));
        return Pages.signedOut().withHeader("Set-Cookie", BrowserSessions.clearedCookie());
    }

    /** Returns {@code page} for {@code s}, starting an anonymous session (and setting its cookie) when there is none. */
    private WebResponse withSession(
            Optional<BrowserSession> s, java.util.function.Function<BrowserSession, WebResponse> page) {
        if (s.isPresent()) {
            return page.apply(s.get());
        }
        BrowserSession fresh;
        try {
            fresh = sessions.startAnonymous();
        } catch (IllegalStateException e) {
            return Pages.error(503, "Busy", "The edge is busy; try again in a minute.");
        }
        return page.apply(fresh).withHeader("Set-Cookie", sessions.cookie(fresh));
    }

    /** Returns the answer to a form post without a valid session or CSRF token: start again. */
    static WebResponse expired(String returnTo) {
        return WebResponse.seeOther(
                "/signin?return=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8) + "&expired=1");
    }

    /** Returns the app a return path is about (an authorize request's {@code app}), if it names a known one. */
    private String appOf(String returnTo) {
        if (!returnTo.startsWith("/oauth/authorize?")) {
            return null;
        }
        List<String> app = new QueryStringDecoder(returnTo).parameters().get("app");
        return app != null && apps.containsKey(app.get(0)) ? app.get(0) : null;
    }
}
