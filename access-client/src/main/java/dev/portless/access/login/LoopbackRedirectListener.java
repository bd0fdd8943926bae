package dev.portless.access.login;

import dev.portless.access.edge.AccessException;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The RFC 8252 loopback listener: an HTTP server on {@code 127.0.0.1}, on a port the OS
 * picks, that waits for the browser's redirect to {@code /callback}.
 *
 * <p>It binds the IP literal, not {@code localhost}, so no resolver and no other interface is
 * involved, and it lives only as long as one sign-in.
 */
final class LoopbackRedirectListener implements AutoCloseable {
    static final String PATH = "/callback";

    private final EventLoopGroup group;
    private final Channel server;
    private final CompletableFuture<BrowserCallback> callback;

    private LoopbackRedirectListener(
            EventLoopGroup group, Channel server, CompletableFuture<BrowserCallback> callback) {
        this.group = group;
        this.server = server;
        this.callback = callback;
    }

    /**
     * Returns a started listener for the sign-in whose {@code state} the redirect must carry;
     * refusals name {@code app}, and a policy refusal sends the browser on to {@code notAllowedPage}
     * (the edge's own page, which knows who is signed in) when there is one.
     */
    static LoopbackRedirectListener start(String state, String app, Optional<URI> notAllowedPage)
            throws AccessException {
        CompletableFuture<BrowserCallback> callback = new CompletableFuture<>();
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "access-login");
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            "idle",
                                            new ReadTimeoutHandler(
                                                    AccessLimits.SIGN_IN_CALLBACK_IDLE.toMillis(),
                                                    TimeUnit.MILLISECONDS))
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregator", new HttpObjectAggregator(AccessLimits.MAX_SIGN_IN_CALLBACK))
                                    .addLast("callback", new CallbackHandler(state, app, notAllowedPage, callback));
                        }
                    })
                    .bind(new InetSocketAddress(loopback(), 0))
                    .sync()
                    .channel();
            return new LoopbackRedirectListener(group, server, callback);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new AccessException("Cannot listen on 127.0.0.1 for the browser's answer: " + e.getMessage()
                    + "; use --device to sign in with a code instead.");
        }
    }

    /** Returns {@code http://127.0.0.1:PORT/callback}, the redirect URI to register in the request. */
    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + PATH);
    }

    /** Returns the future of the browser's redirect carrying a code; fails with the sentence for a refusal. */
    CompletableFuture<BrowserCallback> callback() {
        return callback;
    }

    @Override
    public void close() {
        server.close();
        // A short quiet period lets the final page reach the browser before the loop stops.
        group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private static InetAddress loopback() throws UnknownHostException {
        return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    }
}
