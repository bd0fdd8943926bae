package dev.portless.connector.edge.listener;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client's TLS handshake against the edge's deadline, on a loop whose clock the test moves: what the
 * client sent in time is never lost to a loop that reads it late, and a silent or dribbling client is cut.
 */
class TlsHandshakeDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final TestTlsContexts TLS = TestTlsContexts.create();

    private EmbeddedChannel server;
    private SslHandler serverSsl;
    private EmbeddedChannel client;

    @BeforeEach
    void connect() {
        server = new EmbeddedChannel();
        serverSsl = TLS.server().newHandler(server.alloc());
        serverSsl.setHandshakeTimeoutMillis(0);
        server.pipeline()
                .addLast(new TlsHandshakeDeadline(serverSsl, TIMEOUT, "Client"))
                .addLast(serverSsl);
        client = new EmbeddedChannel();
        client.pipeline().addLast(TLS.client().newHandler(client.alloc(), TestTlsContexts.HOST, 443));
    }

    @AfterEach
    void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    @Test
    void aLastFlightTheLoopReadsAfterTheDeadlineStillFinishesTheHandshake() {
        pass(client, server); // ClientHello
        pass(server, client); // the server's flight; the client is done and answers with its Finished
        ByteBuf finished = outbound(client);
        assertTrue(finished.isReadable(), "the client answered the server's flight");

        // The loop was busy: its deadline runs before it reads the Finished that waits in the socket.
        server.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertTrue(server.isOpen(), "the deadline does not cut a connection before the loop has read it");

        server.writeInbound(finished);
        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertTrue(serverSsl.handshakeFuture().isSuccess(), "the handshake finished");
        assertTrue(server.isOpen());
        assertTrue(server.pipeline().get(TlsHandshakeDeadline.class) == null, "the deadline left with the handshake");
    }

    @Test
    void aClientThatSendsNothingIsCutAfterTheTimeoutAndOneMoreLook() {
        server.advanceTimeBy(TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertTrue(server.isOpen(), "not before the timeout");

        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertFalse(server.isOpen(), "cut once the loop's last look found nothing");
    }

    @Test
    void aClientThatStopsHalfwayIsCut() {
        pass(client, server);
        pass(server, client);
        outbound(client).release(); // the client's Finished never arrives

        server.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertFalse(server.isOpen());
    }

    @Test
    void aClientThatDribblesItsHelloIsCutAtThreeTimeouts() {
        ByteBuf hello = outbound(client);
        long elapsed = 0;
        while (server.isOpen() && hello.isReadable()) {
            server.writeInbound(hello.readRetainedSlice(1));
            server.advanceTimeBy(TIMEOUT.toMillis() - 1_000, TimeUnit.MILLISECONDS);
            server.runScheduledPendingTasks();
            elapsed += TIMEOUT.toMillis() - 1_000;
        }
        hello.release();
        assertFalse(server.isOpen(), "a byte every 9 s does not hold the connection");
        assertTrue(elapsed <= 3 * TIMEOUT.toMillis() + 9_000, "cut after " + elapsed + " ms");
    }

    /** Moves what {@code from} wrote to {@code to}, as the network would. */
    private static void pass(EmbeddedChannel from, EmbeddedChannel to) {
        to.writeInbound(outbound(from));
    }

    private static ByteBuf outbound(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        return all;
    }
}
