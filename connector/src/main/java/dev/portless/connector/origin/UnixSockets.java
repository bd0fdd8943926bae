package dev.portless.connector.origin;

import dev.portless.common.wire.StreamError;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The epoll event loops of unix-socket origins, started on first use. Portless runs on NIO by default
 * (see {@code Transport}); Netty's unix sockets exist only on its native transports, so these origins get
 * loops of their own, and a clear sentence when the native library does not load.
 */
final class UnixSockets implements AutoCloseable {
    private final EventLoopGroup group;

    private UnixSockets(EventLoopGroup group) {
        this.group = group;
    }

    /** Returns the loops, or fails with the sentence a user of a unix origin reads when epoll is missing. */
    static UnixSockets start(int threads) throws OriginFailure {
        if (!Epoll.isAvailable()) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new OriginFailure(
                    StreamError.ORIGIN_UNREACHABLE,
                    "unix-socket origins need Netty's native epoll transport, which did not load on this machine ("
                            + (cause == null ? "unknown cause" : cause.getMessage())
                            + "); run the connector on Linux x86-64 or use an http:// origin.");
        }
        return new UnixSockets(new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory("connector-unix", true), EpollIoHandler.newFactory()));
    }

    EventLoop loop() {
        return group.next();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
