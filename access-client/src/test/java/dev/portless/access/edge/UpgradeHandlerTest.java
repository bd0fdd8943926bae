package dev.portless.access.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.WebSocketStreamAdapter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The CLI's WebSocket upgrade, answer by answer: 101 makes a stream, a refusal a sentence, silence a timeout. */
class UpgradeHandlerTest {
    private static final EdgeEndpoint EDGE = EdgeEndpoint.parse("https://edge.example.com");
    private static final String APP = "db.example.com";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

    private final CompletableFuture<Channel> result = new CompletableFuture<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new HttpClientCodec(),
            new HttpObjectAggregator(64 * 1024),
            new UpgradeHandler(
                    new StreamHandshaker(
                            URI.create("wss://" + APP + "/"),
                            null,
                            new DefaultHttpHeaders(),
                            WebSocketStreamAdapter.MAX_CLIENT_FRAME),
                    EDGE,
                    APP,
                    ANSWER_TIMEOUT,
                    result));

    @Test
    void aSwitchingProtocolsAnswerLeavesAStreamWithReadsOff() throws Exception {
        String key = sendUpgrade();
        answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n");
        channel.runPendingTasks();

        assertSame(channel, result.getNow(null));
        assertInstanceOf(WebSocketStreamAdapter.class, channel.pipeline().get("stream"));
        assertNotNull(channel.pipeline().get(InboundHold.class), "early frames wait for the relay");
        assertNull(channel.pipeline().get(UpgradeHandler.class));
        assertFalse(channel.config().isAutoRead());
        assertTrue(channel.isOpen());
    }

    @Test
    void aRefusalReadsAsTheSentenceInTheEdgesBody() {
        sendUpgrade();
        String body = "{\"error\":\"forbidden\",\"message\":\"You are not allowed to reach db.example.com.\"}";
        answer("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body);

        AccessException refused = failure();
        assertEquals("You are not allowed to reach db.example.com.", refused.getMessage());
        assertEquals(Optional.of("forbidden"), refused.edgeError());
        assertFalse(channel.isOpen());
    }

    @Test
    void aRefusalWithoutTheEdgesBodyReadsAsItsStatus() {
        sendUpgrade();
        answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        assertEquals(
                "The edge at https://edge.example.com has no app at db.example.com; check --hostname.",
                failure().getMessage());
    }

    @Test
    void noAnswerWithinTheTimeoutFailsAndCloses() {
        channel.freezeTime();
        sendUpgrade();
        channel.advanceTimeBy(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertEquals(
                "The edge at https://edge.example.com did not answer for db.example.com within 90 s;"
                        + " try again or check the edge's logs.",
                failure().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void aConnectionClosedBeforeTheAnswerSaysSo() {
        sendUpgrade();
        channel.close();

        assertEquals(
                "The edge at https://edge.example.com closed the connection before answering for" + " db.example.com.",
                failure().getMessage());
    }

    /** Completes TLS, which sends the upgrade request; returns its key. */
    private String sendUpgrade() {
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        ByteBuf request = channel.readOutbound();
        String text = request.toString(StandardCharsets.US_ASCII);
        request.release();
        assertTrue(text.startsWith("GET / HTTP/1.1"), text);
        Matcher key = Pattern.compile("(?i)sec-websocket-key: (\\S+)").matcher(text);
        assertTrue(key.find(), text);
        return key.group(1);
    }

    private void answer(String response) {
        channel.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII));
    }

    private AccessException failure() {
        assertTrue(result.isCompletedExceptionally());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, result::get);
        return assertInstanceOf(AccessException.class, e.getCause());
    }

    private static String accept(String key) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }
}
