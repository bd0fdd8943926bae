package dev.portless.access.edge;

import dev.portless.common.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Returns streams to the edge carried on shared connections, one at a time per event loop: a new
 * local connection costs one HTTP/2 stream instead of a TCP connection, a TLS handshake and an
 * HTTP upgrade. A connection that is closing, closed or full is replaced for new streams while it
 * finishes the ones it carries.
 */
final class Multiplexer {
    private final EdgeEndpoint edge;
    private final SslContext tls;
    private final Transport transport;
    private final Duration connectTimeout;
    private final Duration answerTimeout;
    // One entry per event loop; each entry is touched from its own loop only.
    private final Map<EventLoop, LoopConnections> byLoop = new ConcurrentHashMap<>();
    private volatile boolean unsupported;

    Multiplexer(EdgeEndpoint edge, SslContext tls, Transport transport, Duration connectTimeout,
                Duration answerTimeout) {
        this.edge = edge;
        this.tls = tls;
        this.transport = transport;
        this.connectTimeout = connectTimeout;
        this.answerTimeout = answerTimeout;
    }

    /** Returns whether the edge is known to speak one WebSocket per stream only. */
    boolean unsupported() {
        return unsupported;
    }

    /**
     * Returns a future of a stream on {@code loop}; it fails with an {@link AccessException}, or with
     * {@link MultiplexedConnection.NotMultiplexed} when the edge does not multiplex.
     */
    CompletableFuture<Channel> open(EventLoop loop, String hostname, Credentials credentials) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        loop.execute(() -> byLoop.computeIfAbsent(loop, LoopConnections::new).connection()
                .whenComplete((connection, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof MultiplexedConnection.NotMultiplexed) {
                            unsupported = true;
                        }
                        result.completeExceptionally(cause);
                        return;
                    }
                    connection.open(hostname, credentials, answerTimeout).whenComplete((stream, streamFailure) -> {
                        if (streamFailure != null) {
                            result.completeExceptionally(streamFailure);
                        } else {
                            result.complete(stream);
                        }
                    });
                }));
        return result;
    }

    /** The current connection of one event loop, and the one being made. */
    private final class LoopConnections {
        private final EventLoop loop;
        private MultiplexedConnection current;
        private CompletableFuture<MultiplexedConnection> pending;

        LoopConnections(EventLoop loop) {
            this.loop = loop;
        }

        /** Returns the connection for the next stream, dialing one when there is none that accepts. */
        CompletableFuture<MultiplexedConnection> connection() {
            if (current != null && current.accepting()) {
                return CompletableFuture.completedFuture(current);
            }
            if (pending == null) {
                CompletableFuture<MultiplexedConnection> dial =
                        MultiplexedConnection.connect(loop, edge, tls, transport, connectTimeout);
                pending = dial;
                dial.whenComplete((connection, failure) -> {
                    // Completed on this loop (the channel's), so the fields stay single-threaded.
                    if (pending == dial) {
                        pending = null;
                    }
                    if (connection != null) {
                        current = connection;
                    }
                });
            }
            return pending;
        }
    }
}
