package dev.portless.connector.edge.access;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.access.Decision.Credential;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.tunnel.TestConnectors;
import dev.portless.connector.edge.tunnel.TunnelRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An edge's client listener on loopback (no TLS) with a {@link FakeWebConnector} registered for
 * the test app's tunnel: HTTP/1.1, or {@code h2} with prior knowledge.
 */
final class TunnelledEdge implements AutoCloseable {
    /** Lets every request in as the service token {@code ci}, with the minted token {@code minted-token}. */
    static final AccessAuthenticator SERVICE_TOKEN = (h, app, c) ->
            Decision.allow(Identity.serviceToken("ci"), "minted-token").via(Credential.SERVICE_TOKEN);
    /** Lets a request with service-token headers in as {@link #SERVICE_TOKEN} does; any other needs sign-in. */
    static final AccessAuthenticator SERVICE_TOKEN_OR_SIGN_IN = (h, app, c) -> h.contains("access-client-id")
            ? SERVICE_TOKEN.authenticate(h, app, c)
            : Decision.deny(StreamError.UNAUTHENTICATED, "Sign-in is required to reach " + app.hostname() + ".");

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    final FakeWebConnector connector;
    private final Channel edge;
    // Open connections as the limit has counted them (it sits before this count in the pipeline):
    // a client's connect() and close() return before the edge's loop has seen them.
    private final AtomicInteger open = new AtomicInteger();

    /** Starts an edge that checks credentials with {@code authenticator}, speaking {@code h2} when {@code http2}. */
    TunnelledEdge(AccessAuthenticator authenticator, boolean http2) throws InterruptedException {
        this(authenticator, http2, EdgeLimits.DEFAULTS);
    }

    /** Starts an edge as above whose connections and streams count against {@code limits}. */
    TunnelledEdge(AccessAuthenticator authenticator, boolean http2, EdgeLimits limits) throws InterruptedException {
        connector = new FakeWebConnector(group);
        TunnelRegistry registry = new TunnelRegistry();
        TestConnectors.register(registry, connector.edgeSide(), TestEdge.ROUTE.tunnel());
        StreamServices services = TestEdge.services(authenticator, registry);
        ClientLimits clientLimits = new ClientLimits(limits);
        StreamAdmission admission = new StreamAdmission(services, clientLimits);
        edge = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ClientRequestHandler streams = new WebSocketStreamHandler(admission);
                        ClientRequestHandler pages = new WebPageHandler(services.web());
                        ch.pipeline().addLast("connection-limit", new ConnectionLimit(clientLimits));
                        ch.pipeline().addLast("counted", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                open.incrementAndGet();
                                ctx.fireChannelActive();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                open.decrementAndGet();
                                ctx.fireChannelInactive();
                            }
                        });
                        if (http2) {
                            AccessListenerInitializer.http2(ch.pipeline(), admission, streams, pages, limits);
                        } else {
                            AccessListenerInitializer.http1(ch.pipeline(), admission, streams, pages, limits);
                        }
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /** Waits until the edge has exactly {@code n} client connections open, as its limit counts them. */
    void awaitOpen(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (open.get() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the edge has " + open.get() + " connections open, not " + n);
            }
            Thread.sleep(5);
        }
    }

    /** Returns the listener's port. */
    int port() {
        return ((InetSocketAddress) edge.localAddress()).getPort();
    }

    @Override
    public void close() {
        edge.close().syncUninterruptibly();
        connector.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
