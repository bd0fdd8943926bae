package dev.portless.connector.run.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector's checks of a resume: each refusal answers with its sentence and writes nothing to
 * the target; a resume that passes is answered {@code 200}.
 */
class StreamSessionsTest {
    private static final String APP = "db.portless.test";

    private final StreamSessions sessions = new StreamSessions(Duration.ofMinutes(10), 1 << 20, 1 << 20);
    private EmbeddedChannel target;
    private String id;
    private String secret;

    @BeforeEach
    void openAStreamAndBreakIt() {
        target = new EmbeddedChannel();
        EmbeddedChannel first = new EmbeddedChannel();
        sessions.open(first, target, APP, "alice", "tcp://127.0.0.1:5432", (toTarget, fromTarget, reason) -> {});
        // The HELLO frame: type, u16 id length, id, u16 secret length, secret.
        ByteBuf hello = first.readOutbound();
        hello.readByte();
        id = hello.readCharSequence(hello.readUnsignedShort(), StandardCharsets.UTF_8)
                .toString();
        secret = hello.readCharSequence(hello.readUnsignedShort(), StandardCharsets.UTF_8)
                .toString();
        hello.release();
        // The client acknowledges the HELLO: from now on it can resume the stream.
        first.writeInbound(ack(0));
        target.writeInbound(Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII));
        drain(first);
        first.close();
    }

    private static ByteBuf ack(long count) {
        return Unpooled.buffer().writeByte(2).writeLong(count);
    }

    private static void drain(EmbeddedChannel channel) {
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            ReferenceCountUtil.release(o);
        }
    }

    private Http2Headers resume(String streamId, String secretText, long received) {
        Http2Headers h = new DefaultHttp2Headers().set(ResumeProtocol.RESUME, streamId);
        if (secretText != null) {
            h.set(ResumeProtocol.SECRET, secretText);
        }
        return h.set(ResumeProtocol.RECEIVED, Long.toString(received));
    }

    /** Returns the status and message of the answer to a resume by {@code subject}. */
    private String answer(Http2Headers request, String subject) {
        EmbeddedChannel carrier = new EmbeddedChannel();
        sessions.resume(carrier, request, APP, subject);
        // The checks run on the session's event loop (the target's).
        target.runPendingTasks();
        Http2HeadersFrame frame = carrier.readOutbound();
        CharSequence message = frame.headers().get(TunnelProtocol.MESSAGE);
        drain(carrier);
        assertNull(target.readOutbound(), "nothing reaches the target before a resume is accepted");
        return frame.headers().status() + (message == null ? "" : " " + message);
    }

    @Test
    void aWrongSecretIsRefused() {
        String a = answer(resume(id, "not-the-secret", 0), "alice");
        assertTrue(a.startsWith("409 The resume secret for stream " + id + " is wrong"), a);
    }

    @Test
    void anotherUsersStreamIsRefused() {
        String a = answer(resume(id, secret, 0), "mallory");
        assertTrue(a.startsWith("409 The stream " + id + " belongs to another user or app"), a);
    }

    @Test
    void countsBeyondWhatWasSentAreRefused() {
        String a = answer(resume(id, secret, 11), "alice");
        assertTrue(a.startsWith("409 The resume of stream " + id + " claims 11 bytes received, but only 10"), a);
    }

    @Test
    void anUnknownOrExpiredStreamIsRefused() {
        String a = answer(resume(sessions.instanceId() + ".00", secret, 0), "alice");
        assertTrue(a.contains("is no longer held by its connector"), a);
    }

    @Test
    void aReplayedOldResumeIsRefusedOnceNewerBytesWereAcknowledged() {
        assertEquals("200", answer(resume(id, secret, 4), "alice"));
        // The client acknowledges all ten bytes on the new carrier; the old resume is now stale.
        EmbeddedChannel carrier = new EmbeddedChannel();
        sessions.resume(carrier, resume(id, secret, 4), APP, "alice");
        target.runPendingTasks();
        drain(carrier);
        carrier.writeInbound(Unpooled.buffer().writeByte(2).writeLong(0));
        carrier.writeInbound(Unpooled.buffer().writeByte(2).writeLong(10));
        String a = answer(resume(id, secret, 4), "alice");
        assertTrue(a.startsWith("409 The resume of stream " + id + " is stale"), a);
    }

    @Test
    void aClientThatNeverAcknowledgedTheHelloEndsTheTargetAtOnce() {
        StreamSessions held = new StreamSessions(Duration.ofMinutes(10), 1 << 20, 1 << 20);
        EmbeddedChannel plain = new EmbeddedChannel();
        EmbeddedChannel first = new EmbeddedChannel();
        String[] ended = new String[1];
        held.open(first, plain, APP, "alice", "tcp://127.0.0.1:5432", (toTarget, fromTarget, reason) -> {
            ended[0] = reason;
        });
        drain(first);

        first.close();
        plain.runPendingTasks();

        assertEquals(0, held.size(), "no stream is held for a client that cannot resume it");
        assertEquals("the client went away during the stream", ended[0]);
        assertTrue(!plain.isActive(), "the target is closed at once, not after the detach window");
    }

    @Test
    void theDetachWindowEndsTheStream() throws Exception {
        StreamSessions shortLived = new StreamSessions(Duration.ofMillis(50), 1 << 20, 1 << 20);
        EmbeddedChannel plain = new EmbeddedChannel();
        EmbeddedChannel first = new EmbeddedChannel();
        shortLived.open(first, plain, APP, "alice", "tcp://127.0.0.1:5432", (toTarget, fromTarget, reason) -> {});
        first.writeInbound(ack(0));
        first.close();
        assertEquals(1, shortLived.size());
        Thread.sleep(120);
        plain.runPendingTasks();
        assertEquals(0, shortLived.size());
        assertTrue(!plain.isActive(), "the target is closed once the detach window has passed");
    }
}
