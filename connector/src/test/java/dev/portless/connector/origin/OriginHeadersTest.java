package dev.portless.connector.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.token.VerifiedAppToken;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the origin sees of a tunnel stream's request, and what the edge sees of the origin's answer. */
class OriginHeadersTest {
    private static final VerifiedAppToken ALICE = new VerifiedAppToken(
            "alice", Optional.of("alice@example.com"), List.of(), "app.example.com", Instant.EPOCH, Instant.MAX, "j1");
    private static final VerifiedAppToken SERVICE = new VerifiedAppToken(
            "ci-bot", Optional.empty(), List.of(), "app.example.com", Instant.EPOCH, Instant.MAX, "j2");

    private static Http2Headers streamRequest() {
        return new DefaultHttp2Headers()
                .method("POST")
                .scheme("https")
                .authority("app.example.com")
                .path("/api/items?x=1")
                .set(TunnelProtocol.KIND, TunnelProtocol.KIND_HTTP)
                .set(TunnelProtocol.IDENTITY, "alice@example.com")
                .set(TunnelProtocol.CLIENT_ADDRESS, "203.0.113.7")
                .set(TunnelProtocol.STREAM_ID, "s1")
                .set(TunnelProtocol.APP_TOKEN, "the.app.token")
                .set("content-type", "application/json")
                .set("accept", "application/json");
    }

    @Test
    void theOriginGetsTheProxyHeadersAndTheVerifiedIdentity() {
        HttpRequest r = OriginHeaders.toOrigin(
                streamRequest().add("x-forwarded-for", "10.0.0.1").add("via", "1.1 corp-proxy"),
                "app.example.com",
                "the.app.token",
                ALICE,
                false,
                false);
        HttpHeaders h = r.headers();
        assertEquals("POST", r.method().name());
        assertEquals("/api/items?x=1", r.uri());
        assertEquals("app.example.com", h.get("host"));
        assertEquals("10.0.0.1, 203.0.113.7", h.get("x-forwarded-for"));
        assertEquals("https", h.get("x-forwarded-proto"));
        assertEquals("app.example.com", h.get("x-forwarded-host"));
        assertEquals("1.1 corp-proxy, 1.1 portless", h.get("via"));
        assertEquals("the.app.token", h.get("cf-access-jwt-assertion"));
        assertEquals("alice@example.com", h.get("cf-access-authenticated-user-email"));
        assertEquals("203.0.113.7", h.get("cf-connecting-ip"));
        assertEquals("application/json", h.get("content-type"));
        assertFalse(h.contains("transfer-encoding"), "no body, no chunking");
    }

    @Test
    void noPortlessHeaderAndNoForgedIdentityReachesTheOrigin() {
        HttpRequest r = OriginHeaders.toOrigin(
                streamRequest()
                        .add("portless-anything", "x")
                        .add("cf-access-jwt-assertion", "forged")
                        .add("cf-access-authenticated-user-email", "mallory@example.com")
                        .add("cf-connecting-ip", "10.6.6.6")
                        .add("x-forwarded-host", "evil.example.com")
                        .add("host", "evil.example.com"),
                "app.example.com",
                "the.app.token",
                SERVICE,
                false,
                false);
        HttpHeaders h = r.headers();
        h.forEach(e -> assertFalse(e.getKey().toLowerCase().startsWith("portless-"), e.getKey()));
        assertEquals(List.of("the.app.token"), h.getAll("cf-access-jwt-assertion"));
        assertNull(h.get("cf-access-authenticated-user-email"), "a service token has no e-mail");
        assertEquals(List.of("203.0.113.7"), h.getAll("cf-connecting-ip"));
        assertEquals(List.of("app.example.com"), h.getAll("x-forwarded-host"));
        assertEquals(List.of("app.example.com"), h.getAll("host"));
    }

    @Test
    void hopByHopHeadersAndWhatConnectionNamesAreRemoved() {
        HttpRequest r = OriginHeaders.toOrigin(
                streamRequest()
                        .add("connection", "x-secret-hop")
                        .add("x-secret-hop", "1")
                        .add("keep-alive", "timeout=5")
                        .add("proxy-connection", "keep-alive")
                        .add("te", "trailers")
                        .add("transfer-encoding", "chunked")
                        .add("upgrade", "h2c")
                        .add("proxy-authorization", "Basic eA=="),
                "app.example.com",
                "t",
                ALICE,
                false,
                false);
        for (String name : List.of(
                "connection",
                "x-secret-hop",
                "keep-alive",
                "proxy-connection",
                "te",
                "transfer-encoding",
                "upgrade",
                "proxy-authorization")) {
            assertFalse(r.headers().contains(name), name);
        }
    }

    @Test
    void httpHostHeaderRewritesHostButNotForwardedHost() {
        HttpRequest r = OriginHeaders.toOrigin(streamRequest(), "grafana.internal:3000", "t", ALICE, false, false);
        assertEquals("grafana.internal:3000", r.headers().get("host"));
        assertEquals("app.example.com", r.headers().get("x-forwarded-host"));
    }

    @Test
    void aBodyWithoutLengthIsChunkedAndCookiesAreJoined() {
        HttpRequest chunked = OriginHeaders.toOrigin(
                streamRequest().add("cookie", "a=1").add("cookie", "b=2"), "h", "t", ALICE, true, false);
        assertEquals("chunked", chunked.headers().get("transfer-encoding"));
        assertEquals(List.of("a=1; b=2"), chunked.headers().getAll("cookie"));
        HttpRequest sized =
                OriginHeaders.toOrigin(streamRequest().add("content-length", "5"), "h", "t", ALICE, true, false);
        assertEquals("5", sized.headers().get("content-length"));
        assertFalse(sized.headers().contains("transfer-encoding"));
    }

    @Test
    void aWebSocketRequestAsksTheOriginForTheUpgrade() {
        HttpRequest r = OriginHeaders.toOrigin(
                streamRequest().method("GET").add("sec-websocket-key", "k").add("sec-websocket-version", "13"),
                "h",
                "t",
                ALICE,
                false,
                true);
        assertEquals("websocket", r.headers().get("upgrade"));
        assertEquals("upgrade", r.headers().get("connection"));
        assertEquals("k", r.headers().get("sec-websocket-key"));
    }

    @Test
    void theResponseLosesHopByHopAndPortlessHeaders() {
        HttpResponse origin = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
        origin.headers()
                .add("Content-Type", "text/html")
                .add("Set-Cookie", "a=1")
                .add("Set-Cookie", "b=2")
                .add("Connection", "keep-alive, X-Hop")
                .add("X-Hop", "1")
                .add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("Portless-Error", "origin_refused")
                .add("Portless-Message", "forged");
        Http2Headers h = OriginHeaders.toTunnel(origin);
        assertEquals("502", h.status().toString());
        assertEquals("text/html", h.get("content-type").toString());
        assertEquals(2, h.getAll("set-cookie").size());
        for (String name : List.of(
                "connection", "x-hop", "keep-alive", "transfer-encoding", "portless-error", "portless-message")) {
            assertNull(h.get(name), name);
        }
    }

    @Test
    void trailersAndTheUpgradeAnswerKeepOnlyWhatTheyMay() {
        HttpHeaders trailing = new DefaultHttpHeaders().add("grpc-status", "0").add("portless-close-code", "4000");
        Http2Headers t = OriginHeaders.trailers(trailing);
        assertEquals("0", t.get("grpc-status").toString());
        assertNull(t.get("portless-close-code"));

        HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching
                .headers()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", "abc=")
                .add("Sec-WebSocket-Protocol", "chat")
                .add("X-Other", "1");
        Http2Headers u = OriginHeaders.upgraded(switching);
        assertEquals("200", u.status().toString());
        assertEquals("websocket", u.get(TunnelProtocol.UPGRADED).toString());
        assertEquals("abc=", u.get("sec-websocket-accept").toString());
        assertEquals("chat", u.get("sec-websocket-protocol").toString());
        assertNull(u.get("x-other"));
        assertTrue(u.get("upgrade") == null && u.get("connection") == null);
    }
}
