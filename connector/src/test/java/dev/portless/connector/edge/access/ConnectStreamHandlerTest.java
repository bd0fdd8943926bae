package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.policy.Identity;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A refused stream on a {@code portless-h2} connection answers the status and the JSON body, then ends. */
class ConnectStreamHandlerTest {
    private AccessAuthenticator authenticator = (headers, app, client) ->
            Decision.deny(StreamError.UNAUTHENTICATED, "Sign-in is required to reach " + app.hostname() + ".");
    private final EmbeddedChannel stream = new EmbeddedChannel(new ConnectStreamHandler(
            new StreamAdmission(TestEdge.services((h, app, c) -> authenticator.authenticate(h, app, c)))));

    /** Returns the status, content type and body the client reads after sending {@code request}. */
    private String[] send(Http2Headers request) {
        stream.writeInbound(new DefaultHttp2HeadersFrame(request, false));
        stream.runPendingTasks();
        Http2HeadersFrame head = stream.readOutbound();
        assertFalse(head.isEndStream());
        Http2DataFrame data = stream.readOutbound();
        assertTrue(data.isEndStream(), "the body ends the stream");
        String body = data.content().toString(StandardCharsets.UTF_8);
        data.release();
        assertFalse(stream.isOpen(), "the stream is closed after the answer");
        return new String[] {
            head.headers().status().toString(),
            head.headers().get("content-type").toString(),
            body
        };
    }

    private static Http2Headers connect(String authority) {
        return new DefaultHttp2Headers().method("CONNECT").authority(authority).set("authorization", "Bearer t");
    }

    @Test
    void aRefusedConnectAnswersTheStatusAndTheSignInDetails() {
        String[] answer = send(connect("DB.example.com:443"));
        assertEquals("401", answer[0]);
        assertEquals("application/json", answer[1]);
        assertEquals(
                "{\"error\":\"unauthenticated\",\"message\":\"Sign-in is required to reach db.example.com.\","
                        + "\"issuer\":\"https://edge.example.com\",\"login_url\":\"https://edge.example.com/oauth/authorize\"}",
                answer[2]);
    }

    @Test
    void aConnectToAnUnknownAppGets404() {
        String[] answer = send(connect("nope.example.com:443"));
        assertEquals("404", answer[0]);
        assertEquals(
                "{\"error\":\"unknown_app\",\"message\":\"Portless has no app at nope.example.com; check "
                        + "--hostname.\"}",
                answer[2]);
    }

    @Test
    void anAllowedConnectWithNoConnectorOnlineGets502() {
        authenticator = (h, app, c) -> Decision.allow(Identity.serviceToken("ci"), "minted");
        String[] answer = send(connect("db.example.com:443"));
        assertEquals("502", answer[0]);
        assertEquals(
                "{\"error\":\"no_connector\",\"message\":\"No connector is online for db.example.com (tunnel "
                        + "office); start `connector run` for that tunnel or check its logs.\"}",
                answer[2]);
    }

    @Test
    void aRequestThatIsNotConnectGets400() {
        String[] answer = send(new DefaultHttp2Headers()
                .method("GET")
                .scheme("https")
                .authority("db.example.com")
                .path("/"));
        assertEquals("400", answer[0]);
        assertEquals(
                "{\"error\":\"bad_request\",\"message\":\"A stream request must be CONNECT app-hostname:port.\"}",
                answer[2]);
    }
}
