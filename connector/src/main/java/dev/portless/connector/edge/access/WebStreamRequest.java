package dev.portless.connector.edge.access;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.access.StreamAdmission.Ticket;
import dev.portless.connector.edge.web.ProxiedHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The tunnel stream request that carries a browser's request to a web app: the browser's method
 * and path, the stream's kind, the edge's metadata and the browser's end-to-end headers, without
 * what ends at the edge (its credentials, cookies and hop-by-hop headers).
 */
final class WebStreamRequest {
    private WebStreamRequest() {}

    /**
     * Returns the stream request of kind {@code kind} for the request {@code method} {@code path}
     * with {@code headers}, let in by {@code ticket}.
     */
    static Http2Headers of(Ticket ticket, String method, String path, HttpHeaders headers, String kind) {
        Http2Headers request = ticket.metadata(new DefaultHttp2Headers()
                .method(method)
                .scheme("https")
                .authority(ticket.app().hostname())
                .path(RequestHeadRules.originForm(path))
                .set(TunnelProtocol.KIND, kind));
        // The Authorization header goes on unless it carried the app token the edge consumed.
        boolean tokenConsumed = ticket.decision().via() == Decision.Credential.APP_TOKEN
                && BearerTokenAuthenticator.bearerScheme(headers.get(HttpHeaderNames.AUTHORIZATION));
        return ProxiedHeaders.request(headers, request, tokenConsumed);
    }
}
