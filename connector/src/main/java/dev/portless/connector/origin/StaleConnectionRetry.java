package dev.portless.connector.origin;

import java.util.Set;

/**
 * Which web requests may be sent a second time when the pooled connection they went out on turns out to
 * have been closed by the origin before any byte of an answer: the ones without a body whose method
 * RFC 9110 calls safe, so the origin cannot have acted on them, and nothing of a body is lost.
 */
final class StaleConnectionRetry {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private StaleConnectionRetry() {}

    /** Returns whether {@code request} may go again on a new connection. */
    static boolean allows(WebRequest request) {
        return !request.hasBody() && !request.websocket() && METHODS.contains(request.method());
    }
}
