package dev.portless.connector.origin;

import java.util.Set;

/**
 * Which web requests may be sent a second time when the pooled HTTP/1.1 connection they went out on turns
 * out to have been closed by the origin before any byte of an answer: the ones whose method RFC 9110 calls
 * idempotent (section 9.2.2), since the origin may have acted on the first copy without answering, and
 * never a WebSocket upgrade. Their body goes again from what was kept of it, so one longer than the kept
 * limit cannot.
 */
final class StaleConnectionRetry {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private StaleConnectionRetry() {}

    /** Returns whether {@code request} may go again on a new connection. */
    static boolean allows(WebRequest request) {
        return !request.websocket() && METHODS.contains(request.method());
    }
}
