package dev.portless.connector.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.TunnelProtocol;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connector's web proxy against real origins, for what crosses it and what it refuses: the headers an origin
 * gets and the ones it may not send back, a unix-socket origin, the hello-world page, and the refusals of an
 * origin that answers garbage, a refused port, a TCP app, an unknown hostname and a token for another app.
 */
class WebProxyNginxTest {
    @RegisterExtension
    static final NginxOrigins origins = new NginxOrigins();

    @Test
    void theOriginGetsTheProxyHeadersAndNoForgedOnes() throws Exception {
        Http2Headers request = WebTunnel.request("GET", "plain.example.com", "/echo", TunnelProtocol.KIND_HTTP)
                .add("x-forwarded-for", "10.1.1.1")
                .add("cf-access-jwt-assertion", "forged")
                .add("cf-access-authenticated-user-email", "mallory@example.com")
                .add("cf-connecting-ip", "10.9.9.9")
                .add("cookie", "a=1")
                .add("cookie", "b=2")
                .add("te", "trailers");
        WebTunnel.Exchange x = origins.tunnel.send(request, null, true);
        Http2Headers answer = x.await();

        assertEquals("200", answer.status().toString());
        assertNull(answer.get(TunnelProtocol.ERROR));
        String echo = x.body();
        assertEquals("plain.example.com", NginxOrigins.field(echo, "host"));
        assertEquals("10.1.1.1, 203.0.113.7", NginxOrigins.field(echo, "xff"));
        assertEquals("https", NginxOrigins.field(echo, "xfp"));
        assertEquals("plain.example.com", NginxOrigins.field(echo, "xfh"));
        assertEquals("1.1 portless", NginxOrigins.field(echo, "via"));
        assertEquals(
                WebTunnel.token("plain.example.com").split("\\.")[0],
                NginxOrigins.field(echo, "jwt").split("\\.")[0]);
        assertTrue(NginxOrigins.field(echo, "jwt").chars().filter(c -> c == '.').count() == 2, echo);
        assertEquals("alice@example.com", NginxOrigins.field(echo, "email"));
        assertEquals("203.0.113.7", NginxOrigins.field(echo, "cip"));
        assertEquals("", NginxOrigins.field(echo, "portless"));
        assertEquals("a=1; b=2", NginxOrigins.field(echo, "cookie"));
        assertEquals("", NginxOrigins.field(echo, "te"));
    }

    @Test
    void anOriginCannotSendPortlessHeaders() throws Exception {
        WebTunnel.Exchange x = origins.get("plain.example.com", "/forged");
        Http2Headers answer = x.headers.get();
        assertEquals("200", answer.status().toString());
        assertNull(answer.get(TunnelProtocol.ERROR), "an origin's portless-error never reaches the edge");
        assertEquals("yes", answer.get("x-kept").toString());
        assertNull(answer.get("connection"));
    }

    @Test
    void aUnixSocketOrigin() throws Exception {
        WebTunnel.Exchange x = origins.get("unix.example.com", "/echo");
        assertEquals("200", x.headers.get().status().toString());
        assertEquals("unix.example.com", NginxOrigins.field(x.body(), "host"));
    }

    @Test
    void anOriginThatAnswersGarbage() throws Exception {
        String message = origins.assertRefused("garbage.example.com", "/", "502", "origin_bad_response");
        assertTrue(message.contains("answered something that is not HTTP"), message);
    }

    @Test
    void aRefusedPort() throws Exception {
        String message = origins.assertRefused("refused.example.com", "/", "502", "origin_refused");
        assertTrue(message.endsWith("check that the web app is running."));
    }

    @Test
    void theHelloWorldPageNamesTheAppAndTheIdentity() throws Exception {
        WebTunnel.Exchange x = origins.get("hello.example.com", "/first/try?x=<b>");
        assertEquals("200", x.headers.get().status().toString());
        assertTrue(x.body().contains("<h1>Hello from hello.example.com</h1>"), x.body());
        assertTrue(x.body().contains("alice@example.com"), x.body());
        assertTrue(x.body().contains("GET /first/try?x=&lt;b&gt;"), x.body());
    }

    @Test
    void aWebRequestForATcpAppIsNotHttp() throws Exception {
        String message = origins.assertRefused("ssh.example.com", "/", "502", "not_http");
        assertEquals("ssh.example.com is a TCP app; reach it with access tcp", message);
    }

    @Test
    void anUnknownHostnameHasNoIngress() throws Exception {
        String message = origins.assertRefused("nowhere.example.com", "/x", "404", "no_ingress");
    }

    @Test
    void aTokenForAnotherAppIsRefusedBeforeTheOrigin() throws Exception {
        Http2Headers request = WebTunnel.request("GET", "plain.example.com", "/echo", TunnelProtocol.KIND_HTTP)
                .set(TunnelProtocol.APP_TOKEN, WebTunnel.token("other.example.com"));
        WebTunnel.Exchange x = origins.tunnel.send(request, null, true);
        Http2Headers answer = x.await();
        assertEquals("401", answer.status().toString());
        assertEquals("token_rejected", answer.get(TunnelProtocol.ERROR).toString());
    }
}
