package dev.portless.connector.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portless.connector.token.VerifiedAppToken;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an HTTP/2 origin sees of a request, and what the edge sees of its answer and trailers. */
class Http2OriginHeadersTest {
    private static final VerifiedAppToken ALICE = new VerifiedAppToken(
            "alice", Optional.of("alice@example.com"), List.of(), "app.example.com", Instant.EPOCH, Instant.MAX, "j1");

    private static Http2Headers browser() {
        return new DefaultHttp2Headers()
                .method("POST")
                .scheme("https")
                .authority("app.example.com")
                .path("/api/items?x=1")
                .add("connection", "keep-alive, x-secret")
                .add("x-secret", "hop")
                .add("te", "trailers")
                .add("content-type", "application/grpc")
                .add("cookie", "a=1")
                .add("cookie", "b=2");
    }

    private static HttpRequest prepared(Http2Headers browser, String host) {
        return OriginHeaders.toOrigin(browser, host, "the.app.token", ALICE, true, false);
    }

    @Test
    void hostBecomesTheAuthorityAndNoConnectionSpecificFieldPasses() {
        Http2Headers h = Http2OriginHeaders.request(prepared(browser(), "grafana.internal:3000"), browser());
        assertEquals("POST", h.method().toString());
        assertEquals("https", h.scheme().toString());
        assertEquals("/api/items?x=1", h.path().toString());
        assertEquals("grafana.internal:3000", h.authority().toString());
        assertNull(h.get("host"));
        assertNull(h.get("connection"));
        assertNull(h.get("x-secret"), "a field the Connection header named is hop-by-hop");
        assertNull(h.get("transfer-encoding"), "HTTP/2 frames the body itself");
        assertEquals("trailers", h.get("te").toString());
        assertEquals("application/grpc", h.get("content-type").toString());
        assertEquals("the.app.token", h.get("cf-access-jwt-assertion").toString());
        assertEquals(
                "alice@example.com", h.get("cf-access-authenticated-user-email").toString());
    }

    @Test
    void aTeOtherThanTrailersIsDropped() {
        Http2Headers browser = browser().set("te", "gzip");
        Http2Headers h = Http2OriginHeaders.request(prepared(browser, "app.example.com"), browser);
        assertNull(h.get("te"));
    }

    @Test
    void theAnswerAndItsTrailersKeepEndToEndFieldsOnly() {
        Http2Headers origin = new DefaultHttp2Headers()
                .status("200")
                .add("content-type", "application/grpc")
                .add("keep-alive", "timeout=5")
                .add("portless-error", "forged")
                .add("x-app", "1");
        Http2Headers answer = Http2OriginHeaders.response(origin);
        assertEquals("200", answer.status().toString());
        assertEquals("1", answer.get("x-app").toString());
        assertNull(answer.get("keep-alive"));
        assertFalse(answer.contains("portless-error"), "an origin may never speak for the tunnel");

        Http2Headers trailers = Http2OriginHeaders.trailers(
                new DefaultHttp2Headers().add("grpc-status", "0").add("portless-error", "forged"));
        assertEquals("0", trailers.get("grpc-status").toString());
        assertFalse(trailers.contains("portless-error"));
        assertNull(trailers.status());
    }
}
