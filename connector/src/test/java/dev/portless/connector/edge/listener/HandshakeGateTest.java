package dev.portless.connector.edge.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A TLS listener with a small limit of handshakes in progress, against raw TCP connections that never
 * speak TLS: at the limit it stops accepting, a further client waits in the kernel's backlog and finishes
 * its handshake once those connections are closed or cut by the deadline, and the listener accepts again.
 */
class HandshakeGateTest {
    private static final int LIMIT = 2;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final TestTlsContexts TLS = TestTlsContexts.create();

    private final EventLoopGroup boss = Transport.NIO.newGroup(1, "gate-accept");
    private final EventLoopGroup workers = Transport.NIO.newGroup(1, "gate-workers");
    private final List<Socket> silent = new ArrayList<>();
    private TlsListener listener;

    @AfterEach
    void stop() throws Exception {
        for (Socket s : silent) {
            s.close();
        }
        if (listener != null) {
            listener.channel().close().sync();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aClientBehindSilentConnectionsAtTheLimitFinishesOnceTheyClose() throws Exception {
        HandshakeGate gate = listen(Duration.ofSeconds(30));
        openSilent(LIMIT);
        awaitTrue(() -> gate.inProgress() == LIMIT && !gate.accepting(), "the listener stopped accepting");

        Future<Channel> waiting = handshake();
        // Accepted by the kernel only: the edge does not take it while the silent ones hold the limit.
        assertThrows(TimeoutException.class, () -> waiting.get(500, TimeUnit.MILLISECONDS));
        assertEquals(LIMIT, gate.inProgress(), "nothing more was accepted");

        silent.get(0).close();
        assertTrue(waiting.await(WAIT.toMillis()), "the waiting client finished its handshake");
        assertTrue(waiting.isSuccess(), () -> "handshake: " + waiting.cause());
        waiting.getNow().close();

        silent.get(1).close();
        awaitTrue(() -> gate.inProgress() == 0 && gate.accepting(), "the listener accepts again");
        Future<Channel> next = handshake();
        assertTrue(next.await(WAIT.toMillis()) && next.isSuccess(), "a new client is served at once");
        next.getNow().close();
        assertEquals(2, gate.pauses(), "paused at the silent pair, and again when the waiting client made two");
    }

    @Test
    void connectionsThatNeverSpeakAreCutByTheDeadlineAndTheListenerResumes() throws Exception {
        HandshakeGate gate = listen(Duration.ofMillis(300));
        openSilent(LIMIT + 3);

        Future<Channel> waiting = handshake();
        assertTrue(waiting.await(WAIT.toMillis()), "the client behind them finished its handshake");
        assertTrue(waiting.isSuccess(), () -> "handshake: " + waiting.cause());
        waiting.getNow().close();

        for (Socket s : silent) {
            s.setSoTimeout((int) WAIT.toMillis());
            try (InputStream in = s.getInputStream()) {
                assertEquals(-1, in.read(), "the edge closed a connection that sent nothing");
            }
        }
        awaitTrue(() -> gate.inProgress() == 0 && gate.accepting(), "the listener accepts again");
        assertTrue(gate.pauses() >= 1, "it paused at the limit");
    }

    @Test
    void aHandshakeThatFailsGivesItsPlaceBack() throws Exception {
        HandshakeGate gate = listen(Duration.ofSeconds(30));
        for (int i = 0; i < 2 * LIMIT; i++) {
            try (Socket s = new Socket()) {
                s.connect(listener.address());
                s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout((int) WAIT.toMillis());
                awaitClosedByPeer(s);
            }
        }
        awaitTrue(() -> gate.inProgress() == 0 && gate.accepting(), "every failed handshake gave its place back");
        Future<Channel> client = handshake();
        assertTrue(client.await(WAIT.toMillis()) && client.isSuccess(), "a client is served");
        client.getNow().close();
    }

    private HandshakeGate listen(Duration handshakeTimeout) {
        HandshakeGate gate = new HandshakeGate("client", LIMIT);
        TlsListenerHead head = new TlsListenerHead(TLS::server, handshakeTimeout, "Client");
        listener = TlsListener.bind(
                Transport.NIO,
                boss,
                workers,
                new InetSocketAddress("127.0.0.1", 0),
                64,
                gate,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        head.addTo(ch.pipeline());
                    }
                });
        return gate;
    }

    /** Opens {@code n} TCP connections that send nothing, each accepted before the next is opened. */
    private void openSilent(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(listener.address());
            silent.add(s);
        }
    }

    /** Starts a TLS client; the future completes with its channel once the handshake is done. */
    private Future<Channel> handshake() {
        EventLoopGroup loop = workers;
        Promise<Channel> done = loop.next().newPromise();
        new Bootstrap()
                .group(loop)
                .channel(Transport.NIO.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = TLS.client().newHandler(ch.alloc(), TestTlsContexts.HOST, 443);
                        ssl.setHandshakeTimeoutMillis(WAIT.toMillis());
                        ch.pipeline().addLast(ssl).addLast(new ChannelInboundHandlerAdapter());
                        ssl.handshakeFuture().addListener(f -> {
                            if (f.isSuccess()) {
                                done.trySuccess(ch);
                            } else {
                                done.tryFailure(f.cause());
                            }
                        });
                    }
                })
                .connect(listener.address())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        done.tryFailure(f.cause());
                    }
                });
        return done;
    }

    /**
     * Reads what the edge answered (an alert, perhaps) up to its close, a reset being a close too; fails
     * with the socket's read timeout when the edge keeps the connection.
     */
    private static void awaitClosedByPeer(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        try {
            while (in.read() != -1) {
                // The answer itself does not matter.
            }
        } catch (SocketException reset) {
            // Closed with bytes unread.
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }
}
