package dev.portless.connector.edge.access;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of checking a request's credentials against an app: an identity that may
 * proceed with the app token the connector will check again, or an error with the sentence the
 * user sees.
 *
 * @param identity the identity let through, empty when refused
 * @param appToken the app token to forward to the connector; null when refused, or when an inner
 *                 authenticator leaves minting to its caller
 * @param error    why the request was refused, null when allowed
 * @param message  the sentence for the user, null when allowed
 * @param via      which credential let the request in, null when refused
 * @param since    when the credential that let the request in was issued (an app token's iat; now for a service
 *                 token or a public app), so an administrator's sign-out ends only what came before it
 */
public record Decision(
        Optional<Identity> identity,
        String appToken,
        StreamError error,
        String message,
        Credential via,
        Instant since) {
    /** Returns a decision that lets {@code identity} through with {@code appToken}, issued now. */
    public static Decision allow(Identity identity, String appToken) {
        return allow(identity, appToken, Instant.now());
    }

    /** Returns a decision that lets {@code identity} through with {@code appToken}, issued at {@code since}. */
    public static Decision allow(Identity identity, String appToken, Instant since) {
        return new Decision(Optional.of(identity), appToken, null, null, Credential.APP_TOKEN, since);
    }

    /** Returns a decision that refuses with an error and its sentence. */
    public static Decision deny(StreamError error, String message) {
        return new Decision(Optional.empty(), null, error, message, null, null);
    }

    /** Returns this decision as let in by {@code credential}. */
    Decision via(Credential credential) {
        return new Decision(identity, appToken, error, message, credential, since);
    }

    /** Returns whether the request may proceed. */
    public boolean allowed() {
        return identity.isPresent();
    }

    /** Returns this decision carrying {@code token}. */
    Decision withAppToken(String token) {
        return new Decision(identity, token, error, message, via, since);
    }

    /** The kinds of credential a request can be let in by, first match wins in this order. */
    public enum Credential {
        /** {@code Authorization: Bearer} or {@code Cf-Access-Token}. */
        APP_TOKEN,
        /** A service token's id and secret headers. */
        SERVICE_TOKEN,
        /** A web app's {@code __Host-portless-app} cookie. */
        APP_COOKIE,
        /** None: the app is public. */
        BYPASS
    }
}
