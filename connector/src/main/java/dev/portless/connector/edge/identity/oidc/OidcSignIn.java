package dev.portless.connector.edge.identity.oidc;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.ReturnPaths;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.CodeKind;
import dev.portless.connector.edge.store.CodeRedemption;
import dev.portless.connector.edge.store.EdgeStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of signing in through an upstream OpenID Connect provider:
 * {@code /signin/oidc?provider=NAME} sends the browser to the provider with a fresh state, nonce and
 * PKCE verifier kept in the edge's store under the state and the browser session together, and
 * {@code /signin/oidc/callback} takes it back (at this edge or any other sharing the store), takes the login
 * out of the store once, redeems the code and signs the session in.
 */
public final class OidcSignIn {
    /** The path providers send browsers back to; register {@code <issuer>/signin/oidc/callback}. */
    public static final String CALLBACK_PATH = "/signin/oidc/callback";

    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);
    /** How long the round trip to the provider may take. */
    private static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);

    private final Map<String, OidcProvider> providers = new LinkedHashMap<>();
    private final BrowserSessions sessions;
    private final BiConsumer<String, String> failures;
    private final Clock clock;
    private final EdgeStore store;

    /**
     * Returns the sign-in through {@code providers}, its logins in progress kept in {@code store};
     * {@code failures} hears of each failed sign-in: the provider's name and {@code provider_refused},
     * {@code expired}, {@code failed} or {@code provider_removed}.
     */
    public OidcSignIn(
            List<OidcProvider> providers,
            BrowserSessions sessions,
            EdgeStore store,
            Clock clock,
            BiConsumer<String, String> failures) {
        this.failures = requireNonNull(failures, "failures");
        this.store = requireNonNull(store, "store");
        providers.forEach(p -> this.providers.put(p.config().name(), p));
        this.sessions = requireNonNull(sessions, "sessions");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns the sign-in page's buttons for these providers. */
    public List<Pages.Provider> choices() {
        return providers.values().stream()
                .map(p -> new Pages.Provider(p.config().name(), p.config().displayName(), false))
                .toList();
    }

    /** Adds this feature's routes to {@code router}. */
    public WebRouter.Builder addRoutes(WebRouter.Builder router) {
        return router.get("/signin/oidc", this::start).get(CALLBACK_PATH, this::callback);
    }

    private WebResponse start(WebRequest r) {
        OidcProvider provider = providers.get(r.query("provider").orElse(""));
        if (provider == null) {
            return Pages.error(404, "Sign-in", "There is no such identity provider on this edge.");
        }
        String returnTo = ReturnPaths.sanitize(r.query("return").orElse("/"));
        Optional<BrowserSession> existing = sessions.find(r);
        BrowserSession session;
        try {
            session = existing.orElseGet(sessions::startAnonymous);
        } catch (IllegalStateException e) {
            return Pages.error(503, "Busy", "The edge is busy; try again in a minute.");
        }
        OidcLogin login = new OidcLogin(
                provider.config().name(),
                BrowserSessions.random(),
                BrowserSessions.random(),
                BrowserSessions.random(),
                returnTo,
                clock.instant());
        String url;
        try {
            url = provider.authorizationUrl(login);
        } catch (OidcProvider.OidcException e) {
            log.error("Sign-in with {} failed to start: {}", provider.config().name(), e.getMessage());
            return Pages.error(
                    502,
                    "Sign-in failed",
                    "Sign-in with " + provider.config().displayName() + " failed: " + e.clause()
                            + ". Try again later or ask the edge's administrator.");
        }
        // 256 random bits of state: a clash is a fault, not a retry.
        if (!store.putCode(
                CodeKind.OIDC_LOGIN,
                loginKey(login.state(), session),
                login.json(),
                login.startedAt().plus(LOGIN_LIFETIME))) {
            throw new IllegalStateException("an OIDC state was issued twice");
        }
        log.info(
                "Sign-in with {} started (client {})",
                provider.config().name(),
                r.client().getHostAddress());
        WebResponse redirect = WebResponse.redirect(url);
        return existing.isPresent() ? redirect : redirect.withHeader("Set-Cookie", sessions.cookie(session));
    }

    /** Returns the name of a login in the store: its state bound to the browser session that started it. */
    private static String loginKey(String state, BrowserSession session) {
        return state + ':' + session.id();
    }

    private WebResponse callback(WebRequest r) {
        Optional<BrowserSession> session = sessions.find(r);
        String state = r.query("state").orElse("");
        // Taken once for every edge: a replayed answer finds the login spent, another browser's finds none.
        Optional<CodeRedemption> redemption = session.filter(s -> !state.isEmpty())
                .map(s -> store.redeemCode(CodeKind.OIDC_LOGIN, loginKey(state, s)));
        if (redemption.map(CodeRedemption::outcome).orElse(null) == CodeRedemption.Outcome.REPLAY) {
            log.warn(
                    "OIDC callback from {} refused: its sign-in already took an answer, at this edge or another",
                    r.client().getHostAddress());
            return Pages.error(400, "Sign-in failed", "This sign-in answer was already used; start again.");
        }
        Optional<OidcLogin> pending = redemption
                .filter(taken -> taken.outcome() == CodeRedemption.Outcome.FIRST)
                .map(taken -> OidcLogin.parse(taken.payload().orElseThrow()));
        if (pending.isEmpty()) {
            log.warn(
                    "OIDC callback from {} refused: no sign-in of this browser matches its state",
                    r.client().getHostAddress());
            return Pages.error(
                    400,
                    "Sign-in failed",
                    "This sign-in answer does not belong to a sign-in started in "
                            + "this browser (or it was already used); start again.");
        }
        OidcLogin login = pending.get();
        OidcProvider provider = providers.get(login.provider());
        if (provider == null) {
            return removed(login.provider());
        }
        if (login.startedAt().plus(LOGIN_LIFETIME).isBefore(clock.instant())) {
            failures.accept(login.provider(), "expired");
            return Pages.error(400, "Sign-in failed", "The sign-in took longer than 10 minutes; start again.");
        }
        if (r.query("error").isPresent()) {
            log.info(
                    "{} refused a sign-in: {} {}",
                    login.provider(),
                    r.query("error").get(),
                    r.query("error_description").orElse(""));
            failures.accept(login.provider(), "provider_refused");
            return Pages.error(
                    401,
                    "Sign-in failed",
                    provider.config().displayName() + " did not sign you in ("
                            + r.query("error").get() + "). Start again, or ask the edge's administrator.");
        }
        Optional<String> code = r.query("code");
        if (code.isEmpty()) {
            return Pages.error(400, "Sign-in failed", "The identity provider sent no authorization code; start again.");
        }
        Identity identity;
        try {
            identity = provider.redeem(code.get(), login);
        } catch (OidcProvider.OidcException e) {
            log.warn("Sign-in with {} failed: {}", login.provider(), e.getMessage());
            failures.accept(login.provider(), "failed");
            return Pages.error(
                    502,
                    "Sign-in failed",
                    "Sign-in with " + provider.config().displayName() + " failed: " + e.clause()
                            + ". Start again, or ask the edge's administrator.");
        }
        log.info(
                "Signed in {} (sub {}, groups {}) with {} (client {})",
                identity.displayName(),
                identity.subject(),
                identity.groups(),
                login.provider(),
                r.client().getHostAddress());
        return sessions.completeSignIn(session, identity, login.returnTo());
    }

    /**
     * Returns the answer to a provider's answer for a sign-in that began with {@code name}, which this edge no longer
     * has: a reload removed it (or another edge sharing the store has it and this one does not). The people it
     * signed in before stay signed in; this sign-in does not finish.
     */
    private WebResponse removed(String name) {
        log.warn("Sign-in with {} refused: the provider is no longer in this edge's configuration", name);
        failures.accept(name, "provider_removed");
        return Pages.error(
                400,
                "Sign-in failed",
                "The identity provider " + name + " was removed from this edge's configuration while you were"
                        + " signing in; start again and choose another way to sign in.");
    }
}
