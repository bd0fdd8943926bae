package dev.portless.connector.edge.access;

import dev.portless.common.secret.SecretHash;
import dev.portless.common.wire.AccessHeaders;
import dev.portless.common.wire.StreamError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Returns decisions from service tokens ({@code Access-Client-Id}/{@code Access-Client-Secret}, or
 * the {@code Cf-} spellings stock cloudflared clients send).
 */
public final class ServiceTokenAuthenticator implements AccessAuthenticator {
    private final Map<String, ServiceToken> byClientId = new HashMap<>();

    /** Returns an authenticator over the given tokens. */
    public ServiceTokenAuthenticator(List<ServiceToken> tokens) {
        for (ServiceToken t : tokens) {
            byClientId.put(t.clientId(), t);
        }
    }

    @Override
    public Decision authenticate(HttpHeaders headers, AppRoute app) {
        String id = first(headers, AccessHeaders.CLIENT_ID, AccessHeaders.CF_CLIENT_ID);
        String secret = first(headers, AccessHeaders.CLIENT_SECRET, AccessHeaders.CF_CLIENT_SECRET);
        if (id == null || secret == null) {
            if (headers.contains(HttpHeaderNames.AUTHORIZATION) || headers.contains(AccessHeaders.CF_TOKEN)) {
                return Decision.deny(StreamError.BAD_CREDENTIALS, "The edge does not accept app tokens for "
                        + app.hostname() + " yet; use a service token.");
            }
            return Decision.deny(StreamError.UNAUTHENTICATED, "No credentials were sent for " + app.hostname()
                    + "; pass a service token (--service-token-id and PORTLESS_SERVICE_TOKEN_SECRET).");
        }
        ServiceToken token = byClientId.get(id);
        // Hash even for unknown ids, so timing does not tell which ids exist.
        boolean secretMatches = SecretHash.matches(secret, token == null ? UNKNOWN : token.secretSha256());
        if (token == null || !secretMatches) {
            return Decision.deny(StreamError.BAD_CREDENTIALS, "The service token " + id
                    + " was refused: unknown client id or wrong secret.");
        }
        if (!app.serviceTokens().contains(token.name())) {
            return Decision.deny(StreamError.FORBIDDEN, "The service token " + token.name()
                    + " is not allowed to reach " + app.hostname() + ".");
        }
        return Decision.allow("service-token:" + token.name());
    }

    private static final String UNKNOWN = "0".repeat(64);

    private static String first(HttpHeaders headers, String a, String b) {
        String v = headers.get(a);
        return v != null ? v : headers.get(b);
    }
}
