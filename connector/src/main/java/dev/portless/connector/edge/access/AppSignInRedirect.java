package dev.portless.connector.edge.access;

import dev.portless.connector.edge.identity.ReturnPaths;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.web.AppCookies;
import dev.portless.connector.edge.web.AppSignIn;
import java.net.URI;
import java.time.Duration;

/**
 * The answer to a browser that opens a web app without credentials: a fresh sign-in state in a
 * cookie of the app's host, and a redirect to the edge's sign-in for that app, which comes back to
 * the page asked for.
 */
final class AppSignInRedirect {
    private AppSignInRedirect() {}

    /**
     * Returns the redirect for a browser that asked {@code app} for {@code target}, signing in at
     * {@code issuer} within {@code stateLifetime}.
     */
    static WebResponse to(URI issuer, String app, String target, Duration stateLifetime) {
        String state = BrowserSessions.random();
        String returnTo = ReturnPaths.sanitize(target);
        return WebResponse.redirect(AppSignIn.startUrl(issuer, app, state, returnTo))
                .withHeader("Set-Cookie", AppCookies.state(state, stateLifetime.toSeconds()));
    }
}
