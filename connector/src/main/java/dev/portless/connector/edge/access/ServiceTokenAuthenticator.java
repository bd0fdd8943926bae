package dev.portless.connector.edge.access;

import dev.portless.common.wire.AccessHeaders;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.policy.PolicyDecision;
import dev.portless.connector.secret.SecretHash;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decisions from service tokens ({@code Access-Client-Id}/{@code Access-Client-Secret}, or
 * the {@code Cf-} spellings stock cloudflared clients send), checked against the app's policy. An
 * allowing decision carries no app token: the caller mints one.
 */
public final class ServiceTokenAuthenticator implements AccessAuthenticator {
    private static final byte[] UNKNOWN = SecretHash.digestOf("0".repeat(64));

    private final Map<String, Known> byClientId = new HashMap<>();

    /** Returns an authenticator over the given tokens. */
    public ServiceTokenAuthenticator(List<ServiceToken> tokens) {
        for (ServiceToken t : tokens) {
            byClientId.put(t.clientId(), new Known(t, SecretHash.digestOf(t.secretSha256())));
        }
    }

    /** A token with its digest decoded once, not at every request. */
    private record Known(ServiceToken token, byte[] digest) {}

    /** Returns whether {@code headers} carry a service token id (in either spelling). */
    static boolean present(HttpHeaders headers) {
        return headers.contains(AccessHeaders.CLIENT_ID) || headers.contains(AccessHeaders.CF_CLIENT_ID);
    }

    @Override
    public Decision authenticate(HttpHeaders headers, AppRoute app, InetAddress client) {
        String id = first(headers, AccessHeaders.CLIENT_ID, AccessHeaders.CF_CLIENT_ID);
        String secret = first(headers, AccessHeaders.CLIENT_SECRET, AccessHeaders.CF_CLIENT_SECRET);
        if (id == null || secret == null) {
            return Decision.deny(
                    StreamError.UNAUTHENTICATED,
                    "No credentials were sent for " + app.hostname()
                            + "; pass a service token (--service-token-id and PORTLESS_SERVICE_TOKEN_SECRET).");
        }
        Known known = byClientId.get(id);
        // Hash even for unknown ids, so timing does not tell which ids exist.
        boolean secretMatches = SecretHash.matches(secret, known == null ? UNKNOWN : known.digest());
        if (known == null || !secretMatches) {
            return Decision.deny(
                    StreamError.BAD_CREDENTIALS,
                    "The service token " + id + " was refused: unknown client id or wrong secret.");
        }
        ServiceToken token = known.token();
        Identity identity = Identity.serviceToken(token.name());
        PolicyDecision verdict = app.policy().decide(identity, client);
        if (!verdict.allowed()) {
            return Decision.deny(
                    StreamError.FORBIDDEN,
                    "The service token " + token.name() + " is not allowed to reach " + app.hostname() + ".");
        }
        return Decision.allow(identity, null);
    }

    private static String first(HttpHeaders headers, String a, String b) {
        String v = headers.get(a);
        return v != null ? v : headers.get(b);
    }
}
