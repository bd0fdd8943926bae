package dev.portless.common.net;

import dev.portless.common.env.Environment;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport of this machine: native epoll on Linux, NIO elsewhere.
 */
public enum Transport {
    /** Linux native transport. */
    EPOLL,
    /** The JDK's portable transport. */
    NIO;

    /**
     * Returns NIO, unless {@code PORTLESS_TRANSPORT=epoll} asks for the native transport. Netty
     * 4.2.18's epoll drops a socket from the epoll set once it has no interest left (input shut
     * down, nothing pending) but still believes it registered, so the next write that has to wait
     * for EPOLLOUT fails with "epoll_ctl(..) failed with error(-2)": a half-closed connection loses
     * the rest of its reply. Make epoll the default again once Netty re-adds such a socket.
     */
    public static Transport best() {
        return Environment.variable("PORTLESS_TRANSPORT")
                                .filter("epoll"::equalsIgnoreCase)
                                .isPresent()
                        && Epoll.isAvailable()
                ? EPOLL
                : NIO;
    }

    /** Returns a new event loop group of {@code threads} threads named after {@code name}. */
    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory io = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    /** Returns the server socket channel class of this transport. */
    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Returns the client socket channel class of this transport. */
    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
