package dev.portless.connector.edge.access;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * Returns the pipeline of a client connection: TLS, HTTP/1.1, the upgrade request, then (after the
 * upgrade) WebSocket frames relayed to a connector stream.
 */
public final class AccessListenerInitializer extends ChannelInitializer<SocketChannel> {
    /** How long a client may take to send its upgrade request. */
    static final int REQUEST_TIMEOUT_SECONDS = 30;
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final long TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final SslContext tls;
    private final StreamServices shared;

    /** Returns an initializer for the public listener. */
    public AccessListenerInitializer(SslContext tls, StreamServices shared) {
        this.tls = tls;
        this.shared = shared;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        SslHandler ssl = tls.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
        ch.pipeline()
                .addLast("tls", ssl)
                .addLast("request-timeout", new ReadTimeoutHandler(REQUEST_TIMEOUT_SECONDS))
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("upgrade", new StreamUpgradeHandler(shared));
    }
}
