package dev.portless.access.login;

import dev.portless.access.edge.AccessException;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.config.Durations;
import dev.portless.common.wire.AppTokenClaims;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The browser sign-in (RFC 8252 with PKCE S256 and state): listen on 127.0.0.1, open the
 * browser at the edge's authorization endpoint, wait for the redirect, exchange the code.
 */
final class LoopbackLogin {
    private LoopbackLogin() {}

    static TokenResponse run(
            OAuthClient client,
            AuthorizationServer server,
            String app,
            Duration timeout,
            BrowserOpener browser,
            PrintWriter err)
            throws AccessException, InterruptedException {
        PkceChallenge pkce = PkceChallenge.create();
        try (LoopbackRedirectListener listener =
                LoopbackRedirectListener.start(pkce.state(), app, notAllowedPage(server, app))) {
            String redirectUri = listener.redirectUri().toString();
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", OAuthClient.CLIENT_ID);
            query.put("redirect_uri", redirectUri);
            query.put("state", pkce.state());
            query.put("code_challenge", pkce.challenge());
            query.put("code_challenge_method", "S256");
            query.put("app", app);
            URI authorize = withQuery(server.authorizationEndpoint(), query);

            err.println("access: Opening your browser to sign in to " + app + ". If it does not open, visit:");
            err.println("  " + authorize);
            try {
                browser.open(authorize);
            } catch (Exception e) {
                err.println("access: Could not start a browser (" + e.getMessage() + "); open the URL above yourself.");
            }
            err.println("access: Waiting for the sign-in in your browser (up to " + Durations.format(timeout)
                    + "; Ctrl-C to cancel)...");
            BrowserCallback callback;
            try {
                callback = listener.callback().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AccessException("Timed out after " + Durations.format(timeout) + " waiting for the sign-in"
                        + " in the browser; run `access login " + app + "` again, or add --device to sign in with a"
                        + " code on another device.");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof AccessException a
                        ? a
                        : new AccessException("The browser's answer could not be read: " + e.getCause());
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", callback.code());
            form.put("code_verifier", pkce.verifier());
            form.put("redirect_uri", redirectUri);
            // Each page is awaited (briefly): closing the listener first would cut it off.
            try {
                TokenResponse token = client.token(server, form);
                callback.signedIn().await(AccessLimits.SIGN_IN_PAGE_WRITE.toMillis());
                return token;
            } catch (OAuthError e) {
                String sentence = SignInErrors.sentence(e.code(), e.description(), app);
                callback.failed(sentence).await(AccessLimits.SIGN_IN_PAGE_WRITE.toMillis());
                throw new AccessException(sentence);
            } catch (AccessException e) {
                callback.failed(e.getMessage()).await(AccessLimits.SIGN_IN_PAGE_WRITE.toMillis());
                throw e;
            }
        }
    }

    /** Returns the edge's "not allowed" page for {@code app}, if the issuer is a URL it can be built from. */
    private static Optional<URI> notAllowedPage(AuthorizationServer server, String app) {
        try {
            URI issuer = new URI(server.issuer());
            if (!"https".equals(issuer.getScheme()) || issuer.getRawAuthority() == null) {
                return Optional.empty();
            }
            return Optional.of(
                    withQuery(URI.create(server.issuer() + AppTokenClaims.NOT_ALLOWED_PATH), Map.of("app", app)));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static URI withQuery(URI endpoint, Map<String, String> params) {
        StringJoiner q = new StringJoiner("&");
        params.forEach((k, v) -> q.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String base = endpoint.toString();
        return URI.create(base + (endpoint.getRawQuery() == null ? "?" : "&") + q);
    }
}
