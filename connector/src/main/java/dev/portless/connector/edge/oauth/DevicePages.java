package dev.portless.connector.edge.oauth;

import dev.portless.connector.edge.identity.FormGuard;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.identity.signin.SignInPages;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.pages.WebRouter;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.edge.store.StoredDeviceGrant;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /device} pages: a signed-in person types the code their terminal shows, sees which
 * device asks (address, software, app) and allows or denies it. Wrong codes are limited per browser
 * session and in all, counted in the edge's store for every edge ({@link DeviceCodeGuesses}), so codes cannot be
 * guessed.
 */
final class DevicePages {
    private static final Logger log = LoggerFactory.getLogger(DevicePages.class);

    private final BrowserSessions sessions;
    private final Map<String, AppRoute> apps;
    private final DeviceGrants devices;
    private final FormGuard guard;
    private final Clock clock;
    private final DeviceCodeGuesses guesses;

    DevicePages(
            BrowserSessions sessions,
            Map<String, AppRoute> apps,
            DeviceGrants devices,
            URI issuer,
            DeviceCodeGuesses guesses,
            Clock clock) {
        this.sessions = sessions;
        this.apps = apps;
        this.devices = devices;
        this.guard = new FormGuard(issuer);
        this.clock = clock;
        this.guesses = guesses;
    }

    WebRouter.Builder addRoutes(WebRouter.Builder router) {
        return router.get("/device", this::entry).post("/device", this::lookUp).post("/device/approve", this::decide);
    }

    private WebResponse entry(WebRequest r) {
        Optional<String> code = r.query("user_code").flatMap(DeviceGrants::normalize);
        Optional<BrowserSession> s = sessions.find(r);
        Optional<Identity> who = s.flatMap(BrowserSession::identity);
        if (who.isEmpty()) {
            return SignInPages.signInFirst(
                    "/device" + code.map(c -> "?user_code=" + c).orElse(""));
        }
        return Pages.deviceEntry(who.get().displayName(), s.get().csrf(), code.orElse(null), null);
    }

    private WebResponse lookUp(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        if (!guard.accepts(r, s) || s.get().identity().isEmpty()) {
            return SignInPages.signInFirst("/device");
        }
        BrowserSession session = s.get();
        String who = session.identity().get().displayName();
        String typed = r.form("user_code").orElse("");
        DeviceCodeGuesses.Guess guess = guesses.take(session);
        if (guess.verdict() == DeviceCodeGuesses.Verdict.SESSION_SPENT) {
            return Pages.deviceEntry(
                    who, session.csrf(), null, "Too many wrong codes; wait 15 minutes, then try again.");
        }
        if (guess.verdict() == DeviceCodeGuesses.Verdict.ALL_SPENT) {
            return Pages.deviceEntry(
                    who,
                    session.csrf(),
                    null,
                    "Too many wrong codes were tried on this edge; wait a minute, then try again.");
        }
        Optional<StoredDeviceGrant> grant =
                devices.byUserCode(typed).filter(g -> g.status() == StoredDeviceGrant.Status.PENDING);
        if (grant.isEmpty()) {
            int left = guess.leftIfWrong();
            log.info(
                    "device code guess by {} from {} was wrong ({} left)",
                    who,
                    r.client().getHostAddress(),
                    left);
            return Pages.deviceEntry(
                    who,
                    session.csrf(),
                    null,
                    "That code is not valid or has expired; check your " + "terminal. " + left
                            + (left == 1 ? " try left." : " tries left."));
        }
        guesses.giveBack(guess);
        StoredDeviceGrant g = grant.get();
        long minutes = Duration.between(g.createdAt(), clock.instant()).toMinutes();
        return Pages.deviceConfirm(
                who, session.csrf(), new Pages.Device(g.userCode(), g.app(), g.client(), g.userAgent(), minutes));
    }

    private WebResponse decide(WebRequest r) {
        Optional<BrowserSession> s = sessions.find(r);
        if (!guard.accepts(r, s) || s.get().identity().isEmpty()) {
            return SignInPages.signInFirst("/device");
        }
        Identity who = s.get().identity().get();
        Optional<StoredDeviceGrant> grant =
                devices.byUserCode(r.form("user_code").orElse(""));
        if (grant.isEmpty()) {
            return Pages.error(
                    400,
                    "Device not signed in",
                    "That device request has expired; start the sign-in " + "again in your terminal.");
        }
        StoredDeviceGrant g = grant.get();
        String userCode = g.userCode();
        if (!"allow".equals(r.form("decision").orElse(""))) {
            devices.decide(userCode, StoredDeviceGrant.Status.DENIED, who, s.get());
            log.info("device sign-in app={} client={} denied by {}", g.app(), g.client(), who.displayName());
            return Pages.deviceDenied(g.app());
        }
        AppRoute app = apps.get(g.app());
        PolicyDecision verdict = app.policy().decide(who, r.client());
        if (!verdict.allowed()) {
            devices.decide(userCode, StoredDeviceGrant.Status.FORBIDDEN, who, s.get());
            log.info(
                    "device sign-in app={} client={} identity={} forbidden: {}",
                    g.app(),
                    g.client(),
                    who.displayName(),
                    verdict.reason());
            return Pages.notAllowed(who.displayName(), g.app());
        }
        if (!devices.decide(userCode, StoredDeviceGrant.Status.APPROVED, who, s.get())) {
            return Pages.error(409, "Device not signed in", "That device request was already decided.");
        }
        log.info("device sign-in app={} approved by {} (device {})", g.app(), who.displayName(), g.client());
        return Pages.signedIn(who.displayName(), g.app());
    }
}
