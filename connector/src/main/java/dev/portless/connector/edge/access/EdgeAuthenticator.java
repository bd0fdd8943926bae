package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.access.Decision.Credential;
import dev.portless.connector.edge.identity.token.AppTokenIssuer;
import dev.portless.connector.edge.identity.token.AppTokenIssuer.IssuedToken;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.web.AppCookies;
import dev.portless.connector.token.TokenVerifier;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The edge's check of a stream or web-app request, first match wins: an app token
 * ({@code Authorization: Bearer} or {@code Cf-Access-Token}), a service token, a web app's cookie,
 * or none at all for a public app ({@code policy: bypass}). Every allowed
 * request leaves with an app token for the connector to check again; for a service token the edge
 * mints a short-lived one (reused while it has most of its life left, so signing stays off the hot
 * path).
 */
public final class EdgeAuthenticator implements AccessAuthenticator {
    /** Lifetime of the tokens minted for service-token streams: only the stream's opening needs it. */
    static final Duration MINTED_LIFETIME = Duration.ofMinutes(5);

    private static final Duration MINTED_REUSE = Duration.ofMinutes(3);
    /** Who a public app's requests come from: its minted tokens name the subject {@code bypass}. */
    static final Identity BYPASS_IDENTITY = Identity.user("bypass", "bypass", Optional.empty(), List.of());

    private final BearerTokenAuthenticator bearer;
    // Asked once per request: a reload of edge.yml changes the tokens for the next request only.
    private final Supplier<ServiceTokenAuthenticator> serviceTokens;
    private final AppTokenIssuer issuer;
    private final Clock clock;
    private final Map<String, IssuedToken> minted = new ConcurrentHashMap<>();

    /**
     * Returns an authenticator that checks app tokens with {@code verifier} against {@code keys},
     * checks {@code serviceTokens}, and mints app tokens for service tokens with {@code issuer}.
     */
    public EdgeAuthenticator(
            AppTokenIssuer issuer,
            TokenVerifier verifier,
            Supplier<JWKSet> keys,
            List<ServiceToken> serviceTokens,
            Clock clock) {
        this(issuer, verifier, keys, fixed(new ServiceTokenAuthenticator(serviceTokens)), clock);
    }

    /**
     * Returns an authenticator that checks app tokens with {@code verifier} against {@code keys},
     * checks service tokens with the check {@code serviceTokens} supplies at each request, and mints
     * app tokens for service tokens with {@code issuer}.
     */
    public EdgeAuthenticator(
            AppTokenIssuer issuer,
            TokenVerifier verifier,
            Supplier<JWKSet> keys,
            Supplier<ServiceTokenAuthenticator> serviceTokens,
            Clock clock) {
        this.issuer = requireNonNull(issuer, "issuer");
        this.clock = requireNonNull(clock, "clock");
        this.bearer = new BearerTokenAuthenticator(verifier, keys);
        this.serviceTokens = requireNonNull(serviceTokens, "serviceTokens");
    }

    private static Supplier<ServiceTokenAuthenticator> fixed(ServiceTokenAuthenticator tokens) {
        return () -> tokens;
    }

    @Override
    public Decision authenticate(HttpHeaders headers, AppRoute app, InetAddress client) {
        if (BearerTokenAuthenticator.present(headers)) {
            return bearer.authenticate(headers, app, client);
        }
        if (ServiceTokenAuthenticator.present(headers)) {
            Decision d = serviceTokens.get().authenticate(headers, app, client);
            return d.allowed()
                    ? d.withAppToken(mint(d.identity().orElseThrow(), app)).via(Credential.SERVICE_TOKEN)
                    : d;
        }
        Optional<String> cookie = AppCookies.find(headers.getAll(HttpHeaderNames.COOKIE), AppCookies.APP);
        if (cookie.isPresent()) {
            Decision d = bearer.authenticate(cookie.get(), app, client);
            // An expired or stale cookie is no credential at all: the browser signs in again.
            if (d.allowed() || d.error() == StreamError.FORBIDDEN) {
                return d.allowed() ? d.via(Credential.APP_COOKIE) : d;
            }
        }
        if (app.policy().bypass()) {
            return Decision.allow(BYPASS_IDENTITY, mint(BYPASS_IDENTITY, app)).via(Credential.BYPASS);
        }
        return Decision.deny(
                StreamError.UNAUTHENTICATED,
                "Sign-in is required to reach " + app.hostname()
                        + ": sign in with the access CLI (it opens your browser), or pass a service token.");
    }

    private String mint(Identity identity, AppRoute app) {
        String key = identity.subject() + '\n' + app.hostname();
        IssuedToken token = minted.get(key);
        if (token == null || token.expiresAt().isBefore(clock.instant().plus(MINTED_LIFETIME.minus(MINTED_REUSE)))) {
            token = issuer.issue(identity, app.hostname(), MINTED_LIFETIME);
            minted.put(key, token);
        }
        return token.token();
    }
}
