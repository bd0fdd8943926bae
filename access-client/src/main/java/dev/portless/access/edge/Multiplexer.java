package dev.portless.access.edge;

import dev.portless.access.limits.AccessLimits;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams to the edge on reused connections: each event loop keeps the connections whose
 * stream has ended, and a new local connection takes one of them, so it costs one HTTP/2 stream
 * instead of a TCP connection, a TLS handshake and an HTTP upgrade. Only when none is free is a new
 * connection dialed.
 */
final class Multiplexer {
    private final EdgeEndpoint edge;
    private final EdgeSocket socket;
    private final SslContext tls;
    private final Duration answerTimeout;
    private final Duration idleClose;
    // One entry per event loop; each entry is touched from its own loop only.
    private final Map<EventLoop, LoopConnections> byLoop = new ConcurrentHashMap<>();
    private volatile boolean unsupported;

    Multiplexer(EdgeEndpoint edge, EdgeSocket socket, SslContext tls, Duration answerTimeout, Duration idleClose) {
        this.edge = edge;
        this.socket = socket;
        this.tls = tls;
        this.answerTimeout = answerTimeout;
        this.idleClose = idleClose;
    }

    /** Returns whether the edge is known to speak one WebSocket per stream only. */
    boolean unsupported() {
        return unsupported;
    }

    /**
     * Returns a future of a stream on {@code loop}; it fails with an {@link AccessException}, or with
     * {@link MultiplexedConnection.NotMultiplexed} when the edge does not multiplex.
     */
    CompletableFuture<Channel> open(EventLoop loop, String hostname, Credentials credentials, String destination) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        loop.execute(() -> byLoop.computeIfAbsent(loop, LoopConnections::new)
                .connection()
                .whenComplete((connection, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure;
                        if (cause instanceof MultiplexedConnection.NotMultiplexed) {
                            unsupported = true;
                        }
                        result.completeExceptionally(cause);
                        return;
                    }
                    connection
                            .open(hostname, credentials, destination, answerTimeout)
                            .whenComplete((stream, streamFailure) -> {
                                if (streamFailure != null) {
                                    result.completeExceptionally(streamFailure);
                                } else {
                                    result.complete(stream);
                                }
                            });
                }));
        return result;
    }

    /** The free connections of one event loop; touched from that loop only. */
    private final class LoopConnections {
        private final EventLoop loop;
        private final Deque<MultiplexedConnection> free = new ArrayDeque<>();

        LoopConnections(EventLoop loop) {
            this.loop = loop;
        }

        /** Returns a free connection, the most recently used first, or a new one. */
        CompletableFuture<MultiplexedConnection> connection() {
            for (MultiplexedConnection c = free.pollFirst(); c != null; c = free.pollFirst()) {
                if (c.accepting()) {
                    return CompletableFuture.completedFuture(c);
                }
            }
            return MultiplexedConnection.connect(loop, edge, socket, tls, idleClose, this::freed);
        }

        private void freed(MultiplexedConnection connection) {
            free.removeIf(c -> !c.accepting());
            if (free.size() >= AccessLimits.FREE_CONNECTIONS_PER_LOOP) {
                connection.close();
            } else {
                free.addFirst(connection);
            }
        }
    }
}
