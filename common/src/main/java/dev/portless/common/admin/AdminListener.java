package dev.portless.common.admin;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running admin listener: plain HTTP on its own small event loop, answering {@code /healthz},
 * {@code /ready} and {@code /metrics}. Scrapes run on a thread of their own, never on the loop.
 */
public final class AdminListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminListener.class);
    /** A scrape request is one line and a few headers. */
    private static final int MAX_REQUEST_BYTES = 8 * 1024;
    /** A client that sends no complete request in this time is dropped. */
    private static final int IDLE_SECONDS = 30;

    private final EventLoopGroup group;
    private final ExecutorService scrapes;
    private final Channel channel;
    private final AdminEndpoints endpoints;

    private AdminListener(EventLoopGroup group, ExecutorService scrapes, Channel channel, AdminEndpoints endpoints) {
        this.group = group;
        this.scrapes = scrapes;
        this.channel = channel;
        this.endpoints = endpoints;
    }

    /**
     * Returns a listener on {@code address} serving {@code registry} and {@code readiness}.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static AdminListener start(InetSocketAddress address, PrometheusRegistry registry, Readiness readiness) {
        requireNonNull(address, "address");
        requireNonNull(registry, "registry");
        requireNonNull(readiness, "readiness");
        Transport transport = Transport.NIO;
        EventLoopGroup group = transport.newGroup(1, "admin");
        ExecutorService scrapes = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin-scrape");
            t.setDaemon(true);
            return t;
        });
        AdminEndpoints endpoints = new AdminEndpoints(registry, readiness, scrapes);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new ReadTimeoutHandler(IDLE_SECONDS))
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(new AdminRequestHandler(endpoints));
                        }
                    })
                    .bind(address)
                    .sync()
                    .channel();
            log.info("Admin listener on http://{}/ (/healthz, /ready, /metrics)", hostPort(channel));
            return new AdminListener(group, scrapes, channel, endpoints);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            scrapes.shutdownNow();
            throw new IllegalStateException(
                    "cannot open the admin listener on " + address + ": " + e.getMessage()
                            + "; is another process using that port?",
                    e);
        }
    }

    private static String hostPort(Channel channel) {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /**
     * Takes {@code command} at {@code path} from now on: a POST from this host whose {@code Authorization} is
     * {@code Bearer} and {@code secret}.
     */
    public void command(String path, String secret, AdminCommand command) {
        requireNonNull(path, "path");
        requireNonNull(secret, "secret");
        requireNonNull(command, "command");
        if (secret.length() < 32) {
            throw new IllegalArgumentException(
                    "admin secret: " + secret.length() + " characters (expected: 32 or more)");
        }
        endpoints.command(path, secret.getBytes(StandardCharsets.UTF_8), command);
    }

    /** Returns the address the listener is bound to. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        scrapes.shutdownNow();
    }
}
