package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import dev.portless.common.wire.AccessHeaders;
import dev.portless.common.wire.StreamEnd;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.token.AppTokenException;
import dev.portless.connector.token.TokenRejection;
import dev.portless.connector.token.TokenVerifier;
import dev.portless.connector.token.VerifiedAppToken;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions from app tokens ({@code Authorization: Bearer}, or {@code Cf-Access-Token} as
 * cloudflared sends it): the token must pass the {@link TokenVerifier} for this app, and the person it
 * names must still pass the app's policy from the address they connect from now.
 */
final class BearerTokenAuthenticator implements AccessAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(BearerTokenAuthenticator.class);
    /** The provider name of identities read back from an app token. */
    static final String PROVIDER = "app-token";

    private final TokenVerifier verifier;
    private final Supplier<JWKSet> keys;

    BearerTokenAuthenticator(TokenVerifier verifier, Supplier<JWKSet> keys) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.keys = requireNonNull(keys, "keys");
    }

    /**
     * Returns whether {@code headers} carry an app token (in either spelling). Another
     * {@code Authorization} scheme (Basic, say) belongs to a web app's origin, not to the edge.
     */
    static boolean present(HttpHeaders headers) {
        return bearerScheme(headers.get(HttpHeaderNames.AUTHORIZATION)) || headers.contains(AccessHeaders.CF_TOKEN);
    }

    /** Returns whether an {@code Authorization} value is of the Bearer scheme. */
    static boolean bearerScheme(String authorization) {
        return authorization != null && authorization.trim().regionMatches(true, 0, "bearer ", 0, 7);
    }

    @Override
    public Decision authenticate(HttpHeaders headers, AppRoute app, InetAddress client) {
        String token = token(headers);
        if (token == null) {
            return Decision.deny(
                    StreamError.BAD_CREDENTIALS,
                    "The Authorization header for " + app.hostname()
                            + " is not \"Bearer <app token>\"; sign in again.");
        }
        return authenticate(token, app, client);
    }

    /** Returns the decision for the app token {@code token} on {@code app}, from {@code client}. */
    Decision authenticate(String token, AppRoute app, InetAddress client) {
        VerifiedAppToken verified;
        try {
            verified = verifier.verify(token, app.hostname(), keys.get());
        } catch (AppTokenException e) {
            log.info("app={} client={} app token refused: {}", app.hostname(), client.getHostAddress(), e.getMessage());
            if (e.rejection() == TokenRejection.EXPIRED) {
                return Decision.deny(
                        StreamError.TOKEN_EXPIRED,
                        "Your sign-in to " + app.hostname() + " has expired; sign-in starts again.");
            }
            if (e.rejection() == TokenRejection.SIGNED_OUT) {
                return Decision.deny(
                        StreamError.BAD_CREDENTIALS,
                        capitalized(StreamEnd.SIGNED_OUT.sentence(app.hostname())) + "; sign in again.");
            }
            return Decision.deny(
                    StreamError.BAD_CREDENTIALS,
                    "The app token for " + app.hostname() + " was refused: "
                            + e.rejection().clause() + "; sign in again.");
        }
        // A service token's app token stands for the service token, so the policy's service-token rules apply to it.
        Identity identity = verified.serviceToken()
                .map(Identity::serviceToken)
                .orElseGet(() -> Identity.user(PROVIDER, verified.subject(), verified.email(), verified.groups()));
        PolicyDecision verdict = app.policy().decide(identity, client);
        if (!verdict.allowed()) {
            log.info(
                    "app={} identity={} client={} forbidden: {}",
                    app.hostname(),
                    identity.displayName(),
                    client.getHostAddress(),
                    verdict.reason());
            return Decision.deny(
                    StreamError.FORBIDDEN,
                    identity.displayName() + " is signed in but not allowed to " + "reach " + app.hostname()
                            + "; ask the app's administrator for access.");
        }
        return Decision.allow(identity, token, verified.issuedAt());
    }

    private static String capitalized(String sentence) {
        return Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }

    private static String token(HttpHeaders headers) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (!bearerScheme(authorization)) {
            return headers.get(AccessHeaders.CF_TOKEN).trim();
        }
        String a = authorization.trim();
        if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            String t = a.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }
}
