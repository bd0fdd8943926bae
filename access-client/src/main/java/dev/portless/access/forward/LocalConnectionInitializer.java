package dev.portless.access.forward;

import dev.portless.access.edge.StreamDialer;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.SocketStreamAdapter;
import dev.portless.common.resume.ResumableEnd;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The pipeline of each local connection {@code access tcp} accepts: the socket as a stream, the
 * step that opens the edge stream and then leaves, and a hold for the bytes the local app sends
 * before the relay joins.
 */
final class LocalConnectionInitializer extends ChannelInitializer<SocketChannel> {
    private final StreamDialer dialer;
    private final String hostname;
    private final PrintStream err;
    private final boolean resumable;
    private final IntPredicate fromPort;
    private final Consumer<ResumableEnd> joined;

    LocalConnectionInitializer(
            StreamDialer dialer,
            String hostname,
            PrintStream err,
            boolean resumable,
            IntPredicate fromPort,
            Consumer<ResumableEnd> joined) {
        this.fromPort = fromPort;
        this.joined = joined;
        this.dialer = dialer;
        this.hostname = hostname;
        this.err = err;
        this.resumable = resumable;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!fromPort.test(ch.remoteAddress().getPort())) {
            ch.close();
            return;
        }
        ch.pipeline()
                .addLast("stream", new SocketStreamAdapter())
                .addLast("connect", new ConnectToEdge(dialer, hostname, err, resumable, joined))
                .addLast("hold", new InboundHold());
    }
}
