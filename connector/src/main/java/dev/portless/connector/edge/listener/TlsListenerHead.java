package dev.portless.connector.edge.listener;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The head of the pipeline of a connection one of the edge's TLS listeners accepted: the handshake's
 * deadline ({@link TlsHandshakeDeadline}, instead of {@link SslHandler}'s own timer, which a starved loop
 * may run while the peer's last flight waits unread), then TLS, whose handshake's end tells the
 * listener's {@link HandshakeGate}.
 */
public final class TlsListenerHead {
    // Asked once per connection: a reloaded certificate serves new connections, open ones keep theirs.
    private final Supplier<SslContext> tls;
    private final Duration handshakeTimeout;
    private final String peer;

    /**
     * Returns the head of connections that take the context {@code tls} supplies then, whose peer may be
     * silent for {@code handshakeTimeout} each time during the handshake; {@code peer} names it in the log.
     */
    public TlsListenerHead(Supplier<SslContext> tls, Duration handshakeTimeout, String peer) {
        this.tls = requireNonNull(tls, "tls");
        this.handshakeTimeout = requireNonNull(handshakeTimeout, "handshakeTimeout");
        this.peer = requireNonNull(peer, "peer");
    }

    /** Adds the deadline ({@code tls-deadline}) and TLS ({@code tls}) to {@code pipeline}; returns the TLS handler. */
    public SslHandler addTo(ChannelPipeline pipeline) {
        Channel ch = requireNonNull(pipeline, "pipeline").channel();
        SslHandler ssl = tls.get().newHandler(ch.alloc());
        // The deadline counts the peer's silence only; a loop busy with other handshakes is not the peer's fault.
        ssl.setHandshakeTimeoutMillis(0);
        pipeline.addLast("tls-deadline", new TlsHandshakeDeadline(ssl, handshakeTimeout, peer))
                .addLast("tls", ssl);
        ssl.handshakeFuture().addListener(f -> HandshakeGate.finished(ch));
        return ssl;
    }
}
