package dev.portless.common.wire;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a stream could not be opened, with the HTTP status the edge answers the client with.
 *
 * <p>The code travels from the connector to the edge in {@link TunnelProtocol#ERROR}, and from the
 * edge to the client in the JSON body of the HTTP error, so every hop names the same cause.
 */
public enum StreamError {
    /** The stream request itself is malformed. */
    BAD_REQUEST(400),
    /** No credentials were presented. */
    UNAUTHENTICATED(401),
    /** Credentials were presented but are not valid. */
    BAD_CREDENTIALS(401),
    /** The app token was valid once but has expired; the user signs in again. */
    TOKEN_EXPIRED(401),
    /** The connector refused the app token the edge forwarded (signature, issuer, audience, type or time). */
    TOKEN_REJECTED(401),
    /** Signed in, but the app's policy does not allow this identity. */
    FORBIDDEN(403),
    /** The edge serves no app of that hostname. */
    UNKNOWN_APP(404),
    /** The connector has no ingress rule for the hostname (its catch-all answered). */
    NO_INGRESS(404),
    /** No connector of the app's tunnel is connected to the edge. */
    NO_CONNECTOR(502),
    /** The connector's bastion rule does not allow the stream's jump destination. */
    DESTINATION_REFUSED(403),
    /** The target refused the connection. */
    TARGET_REFUSED(502),
    /** The target's host name does not resolve on the connector's machine. */
    TARGET_UNRESOLVED(502),
    /** The target's network is unreachable from the connector. */
    TARGET_UNREACHABLE(502),
    /** The target did not answer within the rule's connect timeout. */
    TARGET_TIMEOUT(504),
    /** The connector did not answer the stream request in time. */
    CONNECTOR_TIMEOUT(504),
    /** The connector is draining and takes no new streams. */
    CONNECTOR_DRAINING(503),
    /** The edge is draining and takes no new streams; another edge of the app can. */
    EDGE_DRAINING(503),
    /** The web origin refused the connection. */
    ORIGIN_REFUSED(502),
    /** The web origin's network is unreachable from the connector. */
    ORIGIN_UNREACHABLE(502),
    /** The web origin's host name does not resolve on the connector's machine. */
    ORIGIN_UNRESOLVED(502),
    /** The web origin did not answer in time. */
    ORIGIN_TIMEOUT(504),
    /** The TLS handshake with the web origin failed; the message names the reason. */
    ORIGIN_TLS(502),
    /** The web origin answered something that is not HTTP. */
    ORIGIN_BAD_RESPONSE(502),
    /** A web request reached an ingress rule whose service is TCP. */
    NOT_HTTP(502),
    /** A TCP stream reached an ingress rule whose service is a web origin. */
    NOT_TCP(502),
    /** One client address has too many streams being opened at once; it retries shortly. */
    EDGE_BUSY(503),
    /** One identity (a user or a service token) holds the most streams the edge lets it open. */
    TOO_MANY_STREAMS(429),
    /** One client address or identity has the most web-app requests in flight the edge allows. */
    TOO_MANY_REQUESTS(429),
    /** A resumable stream could not be resumed; the message names why (wrong secret, stale counts, gone). */
    RESUME_REFUSED(409),
    /** Anything else the edge or connector could not do. */
    INTERNAL(500);

    private final int httpStatus;

    StreamError(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** Returns the HTTP status the edge answers the client with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Returns the wire spelling, e.g. {@code target_refused}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the error of a wire code, if it is one this version knows. */
    public static Optional<StreamError> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (StreamError e : values()) {
            if (e.code().equals(code)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
