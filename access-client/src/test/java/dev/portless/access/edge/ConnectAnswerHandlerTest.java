package dev.portless.access.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.relay.Http2StreamAdapter;
import dev.portless.common.relay.InboundHold;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The CLI's answer handling on a multiplexed connection: 200 makes a stream, a refusal a sentence, silence a timeout. */
class ConnectAnswerHandlerTest {
    private static final EdgeEndpoint EDGE = EdgeEndpoint.parse("https://edge.example.com");
    private static final String APP = "db.example.com";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

    private final CompletableFuture<Channel> result = new CompletableFuture<>();
    private EmbeddedChannel channel;

    private EmbeddedChannel start() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast("answer", new ConnectAnswerHandler(EDGE, APP, ANSWER_TIMEOUT, result));
        return channel;
    }

    @Test
    void status200LeavesAStreamWithReadsOff() {
        start().writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));

        assertSame(channel, result.getNow(null));
        assertInstanceOf(Http2StreamAdapter.class, channel.pipeline().get("stream"));
        assertNotNull(channel.pipeline().get(InboundHold.class), "DATA behind the answer waits for the relay");
        assertNull(channel.pipeline().get(ConnectAnswerHandler.class));
        assertFalse(channel.config().isAutoRead());
    }

    @Test
    void aRefusalIsReadToItsEndAndReadsAsTheEdgesSentence() {
        start().writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("401"), false));
        assertFalse(result.isDone(), "the body is still to come");
        String body = "{\"error\":\"token_expired\",\"message\":\"Your sign-in to db.example.com has expired.\"}";
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));

        AccessException refused = failure();
        assertEquals("Your sign-in to db.example.com has expired.", refused.getMessage());
        assertEquals(Optional.of("token_expired"), refused.edgeError());
        assertFalse(channel.isOpen());
    }

    @Test
    void aRefusalWithoutABodyReadsAsItsStatus() {
        start().writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("502"), true));

        assertEquals(
                "The edge at https://edge.example.com could not reach db.example.com (HTTP 502).",
                failure().getMessage());
    }

    @Test
    void noAnswerWithinTheTimeoutFailsAndCloses() {
        start().advanceTimeBy(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertEquals(
                "The edge at https://edge.example.com did not answer for db.example.com within 90 s;"
                        + " try again or check the edge's logs.",
                failure().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void aStreamEndedBeforeTheAnswerSaysSo() {
        start().close();

        assertEquals(
                "The edge at https://edge.example.com ended the stream before answering for db.example.com.",
                failure().getMessage());
    }

    private AccessException failure() {
        assertTrue(result.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, result::get);
        return assertInstanceOf(AccessException.class, e.getCause());
    }
}
