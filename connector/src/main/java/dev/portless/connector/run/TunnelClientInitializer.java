package dev.portless.connector.run;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;

/**
 * The pipeline of a tunnel connection the connector dials: TLS, then the ALPN step that installs
 * HTTP/2 and the stream handling once TLS has agreed on it.
 */
final class TunnelClientInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext tls;
    private final String serverName;
    private final int port;
    private final Duration handshakeTimeout;
    private final ChannelHandler negotiation;

    TunnelClientInitializer(
            SslContext tls, String serverName, int port, Duration handshakeTimeout, ChannelHandler negotiation) {
        this.tls = tls;
        this.serverName = serverName;
        this.port = port;
        this.handshakeTimeout = handshakeTimeout;
        this.negotiation = negotiation;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        SslHandler ssl = tls.newHandler(ch.alloc(), serverName, port);
        ssl.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        ch.pipeline().addLast("tls", ssl).addLast("alpn", negotiation);
    }
}
