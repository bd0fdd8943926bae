package dev.portless.connector.origin;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.token.VerifiedAppToken;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * One web request as the connector received it on a tunnel stream, after the token check.
 *
 * @param headers   the stream's request headers (the browser's request plus the edge's metadata)
 * @param hasBody   whether DATA follows the headers (no END_STREAM on them)
 * @param websocket whether the stream is of kind {@code websocket}
 * @param hostname  the app hostname
 * @param streamId  the edge's id of the stream, for logs
 * @param appToken  the app token the stream carried
 * @param verified  its verified claims
 */
public record WebRequest(
        Http2Headers headers,
        boolean hasBody,
        boolean websocket,
        String hostname,
        String streamId,
        String appToken,
        VerifiedAppToken verified) {
    /** Checks that nothing is null. */
    public WebRequest {
        requireNonNull(headers, "headers");
        requireNonNull(hostname, "hostname");
        requireNonNull(streamId, "streamId");
        requireNonNull(appToken, "appToken");
        requireNonNull(verified, "verified");
    }

    /** Returns the request's method, for logs and the hello-world page. */
    public String method() {
        return headers.method() == null ? "GET" : headers.method().toString();
    }

    /** Returns the request's path with its query, for logs and the hello-world page. */
    public String path() {
        return headers.path() == null ? "/" : headers.path().toString();
    }
}
