package dev.portless.access.edge;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.tls.KeyExchange;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The TLS handshake {@code access status} makes with an edge, and nothing after it, to show which protocol
 * and key exchange group protect the connections to that edge.
 */
public final class EdgeTlsProbe {
    private EdgeTlsProbe() {}

    /**
     * What a handshake with the edge reached: the TCP connection (or the sentence of its failure), then the TLS
     * handshake (how it is protected, or the sentence of its failure).
     *
     * @param connected whether the TCP connection was made
     * @param secured   whether the TLS handshake succeeded
     * @param detail    how the connection is protected, or the sentence of the first failure
     */
    public record Handshake(boolean connected, boolean secured, String detail) {}

    /**
     * Returns how a connection to {@code edge} is protected, e.g. {@code TLSv1.3, key exchange X25519MLKEM768
     * (post-quantum)}, or the sentence saying why the handshake failed. Blocks for at most about
     * {@code timeout}; never call it on an event loop.
     */
    public static String describe(EdgeEndpoint edge, SslContext tls, Duration timeout) throws InterruptedException {
        return handshake(edge, tls, timeout).detail();
    }

    /**
     * Returns what a TCP connection and TLS handshake with {@code edge} reach. Blocks for at most about
     * {@code timeout}; never call it on an event loop.
     */
    public static Handshake handshake(EdgeEndpoint edge, SslContext tls, Duration timeout) throws InterruptedException {
        requireNonNull(edge, "edge");
        requireNonNull(tls, "tls");
        requireNonNull(timeout, "timeout");
        final Transport transport = Transport.best();
        final EventLoopGroup group = transport.newGroup(1, "access-probe");
        final HostResolver resolver = HostResolver.withDaemonThreads("access-probe-dns", AccessLimits.RESOLVER_THREADS);
        final EdgeSocket socket = new EdgeSocket(edge, transport, resolver, timeout);
        final CompletableFuture<Handshake> answer = new CompletableFuture<>();
        try {
            socket.connect(
                    group.next(),
                    new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            final SslHandler ssl = socket.tls(tls, ch);
                            ch.pipeline().addLast(ssl);
                            ssl.handshakeFuture().addListener(f -> {
                                if (f.isSuccess()) {
                                    answer.complete(new Handshake(true, true, KeyExchange.describe(ssl)));
                                } else {
                                    answer.complete(new Handshake(true, false, EdgeFailures.tls(f.cause(), edge)));
                                }
                                ch.close();
                            });
                        }
                    },
                    failure -> answer.complete(new Handshake(false, false, failure.getMessage())));
            return answer.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return new Handshake(false, false, "no answer within " + timeout.toSeconds() + " s");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
