package dev.portless.access.edge;

import dev.portless.common.wire.AccessHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import static java.util.Objects.requireNonNull;

/**
 * Returns the credentials the CLI presents to the edge: a service token for now.
 *
 * @param serviceTokenId     the client id
 * @param serviceTokenSecret the secret, never logged
 */
public record Credentials(String serviceTokenId, String serviceTokenSecret) {
    /** Returns credentials of a service token. */
    public Credentials {
        requireNonNull(serviceTokenId, "serviceTokenId");
        requireNonNull(serviceTokenSecret, "serviceTokenSecret");
    }

    void addTo(HttpHeaders headers) {
        headers.set(AccessHeaders.CLIENT_ID, serviceTokenId);
        headers.set(AccessHeaders.CLIENT_SECRET, serviceTokenSecret);
    }

    @Override
    public String toString() {
        return "Credentials[serviceTokenId=" + serviceTokenId + "]";
    }
}
