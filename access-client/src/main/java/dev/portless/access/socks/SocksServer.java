package dev.portless.access.socks;

import static java.util.Objects.requireNonNull;

import dev.portless.access.edge.StreamDialer;
import dev.portless.access.forward.TcpForwarder;
import dev.portless.common.net.Transport;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.io.PrintStream;
import java.net.InetSocketAddress;

/**
 * {@code access socks}'s listener: a SOCKS5 server (RFC 1928, no authentication, CONNECT only) whose every
 * connection becomes a stream to one bastion app, naming the requested host and port as its jump destination.
 */
public final class SocksServer {
    private SocksServer() {}

    /**
     * Returns a listener on {@code local} whose connections go to {@code hostname} through {@code dialer};
     * refusals are reported on {@code err}. Throws with a sentence when it cannot bind.
     */
    public static TcpForwarder start(
            EventLoopGroup group,
            Transport transport,
            InetSocketAddress local,
            StreamDialer dialer,
            String hostname,
            PrintStream err) {
        requireNonNull(dialer, "dialer");
        requireNonNull(hostname, "hostname");
        requireNonNull(err, "err");
        return TcpForwarder.listen(
                group,
                transport,
                local,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("socks-encoder", Socks5ServerEncoder.DEFAULT)
                                .addLast("socks-decoder", new Socks5InitialRequestDecoder())
                                .addLast("socks", new SocksConnectHandler(dialer, hostname, err));
                    }
                },
                "--listen");
    }
}
