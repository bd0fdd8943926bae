package dev.portless.access.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of a multiplexed connection before TLS has settled the protocol: TLS, then the ALPN
 * step that adds HTTP/2, its keepalive and the stream handling when the edge chose
 * {@code portless-h2}, or reports that it did not.
 */
final class MultiplexedConnectionInitializer extends ChannelInitializer<Channel> {
    private final EdgeSocket socket;
    private final SslContext tls;
    private final ChannelHandler negotiation;

    MultiplexedConnectionInitializer(EdgeSocket socket, SslContext tls, ChannelHandler negotiation) {
        this.socket = socket;
        this.tls = tls;
        this.negotiation = negotiation;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("tls", socket.tls(tls, ch)).addLast("alpn", negotiation);
    }
}
