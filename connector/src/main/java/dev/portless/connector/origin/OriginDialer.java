package dev.portless.connector.origin;

import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.ingress.OriginRequest;
import dev.portless.connector.ingress.OriginService;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * Opens new connections to origins: name lookup off the event loop, connect with the rule's timeout,
 * TLS with its own timeout, then the HTTP/1.1 codec (or, for an HTTP/2 origin, what ALPN chose). Every failure becomes an {@link OriginFailure}
 * with the code and the sentence the edge shows.
 *
 * <p>A network origin's connection shares the stream's event loop. A unix-socket origin's runs on the
 * epoll transport's loops, the only Netty transport here with unix sockets.
 */
final class OriginDialer {
    private final Transport transport;
    private final HostResolver resolver;
    private final UnixLoops unix;
    private final OriginLimits limits;

    /** The loops of unix-socket connections, which may be missing on this machine. */
    interface UnixLoops {
        EventLoop next() throws OriginFailure;
    }

    OriginDialer(Transport transport, HostResolver resolver, UnixLoops unix, OriginLimits limits) {
        this.transport = transport;
        this.resolver = resolver;
        this.unix = unix;
        this.limits = limits;
    }

    /** Returns the loop a connection to {@code origin} for a stream on {@code streamLoop} runs on. */
    EventLoop loopFor(OriginService origin, EventLoop streamLoop) throws OriginFailure {
        return origin.unix() ? unix.next() : streamLoop;
    }

    /** Returns a future of a ready connection (TLS done, codec in place), on {@code loop}'s thread. */
    Future<OriginConnection> dial(
            EventLoop loop, OriginService origin, OriginRequest settings, OriginTls tls, OriginPool pool) {
        Promise<OriginConnection> ready = loop.newPromise();
        Future<Channel> opened = open(loop, origin, settings, tls);
        opened.addListener(f -> {
            if (opened.isSuccess()) {
                ready.trySuccess(http1(opened.getNow(), pool));
            } else {
                ready.tryFailure(opened.cause());
            }
        });
        return ready;
    }

    /**
     * Puts the HTTP/1.1 codec behind {@code ch}, a connection {@link #open} returned, and returns the
     * connection; it runs before any byte of an answer is read, as reads are off until a request is sent.
     */
    OriginConnection http1(Channel ch, OriginPool pool) {
        OriginConnection c = new OriginConnection(ch, pool);
        ch.pipeline()
                .addLast(
                        "http",
                        new HttpClientCodec(limits.maxInitialLine(), limits.maxHeaderSize(), limits.maxChunkSize()))
                .addLast("origin", c);
        pool.track(c);
        return c;
    }

    /**
     * Returns a future of a new connection to {@code origin} with TLS done (when {@code tls} is not null)
     * and nothing behind it yet, on {@code loop}'s thread; it fails with an {@link OriginFailure}.
     */
    Future<Channel> open(EventLoop loop, OriginService origin, OriginRequest settings, OriginTls tls) {
        Promise<Channel> ready = loop.newPromise();
        if (origin.unix()) {
            connect(
                    loop,
                    origin,
                    settings,
                    tls,
                    new DomainSocketAddress(origin.socketPath().get().toFile()),
                    ready);
            return ready;
        }
        Future<InetSocketAddress> address = resolver.resolve(loop, origin.host(), origin.port());
        address.addListener(f -> {
            if (address.isSuccess()) {
                connect(loop, origin, settings, tls, address.getNow(), ready);
            } else {
                ready.tryFailure(new OriginFailure(
                        StreamError.ORIGIN_UNRESOLVED,
                        "The origin host " + origin.host()
                                + " does not resolve on the connector's machine; check the ingress rule's service."));
            }
        });
        return ready;
    }

    private void connect(
            EventLoop loop,
            OriginService origin,
            OriginRequest settings,
            OriginTls tls,
            SocketAddress address,
            Promise<Channel> ready) {
        Class<? extends Channel> channelClass =
                origin.unix() ? EpollDomainSocketChannel.class : transport.socketChannel();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis(settings.connectTimeout()));
        if (!origin.unix()) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        b.handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    int port = origin.unix() ? 443 : origin.port();
                    SslHandler ssl = tls.context().newHandler(ch.alloc(), tls.serverName(), port);
                    ssl.setHandshakeTimeoutMillis(settings.tlsTimeout().toMillis());
                    ch.pipeline().addLast("tls", ssl);
                }
            }
        });
        ChannelFuture connected = b.connect(address);
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(connectFailure(f.cause(), origin, settings.connectTimeout()));
                return;
            }
            SslHandler ssl = f.channel().pipeline().get(SslHandler.class);
            if (ssl == null) {
                ready.trySuccess(f.channel());
                return;
            }
            // The listener runs inside the read that ends the handshake, before any later byte is passed on.
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    ready.trySuccess(f.channel());
                } else {
                    f.channel().close();
                    ready.tryFailure(tlsFailure(h.cause(), origin, settings.tlsTimeout()));
                }
            });
        });
    }

    static OriginFailure connectFailure(Throwable cause, OriginService origin, Duration timeout) {
        String m = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (cause instanceof ConnectTimeoutException) {
            return new OriginFailure(
                    StreamError.ORIGIN_TIMEOUT,
                    "The origin " + origin + " did not accept the connection within " + human(timeout)
                            + "; check that it is reachable from the connector.");
        }
        if (m.contains("refused")) {
            return new OriginFailure(
                    StreamError.ORIGIN_REFUSED,
                    "The origin " + origin + " refused the connection; check that the web app is running.");
        }
        if (origin.unix() && m.contains("no such file")) {
            return new OriginFailure(
                    StreamError.ORIGIN_UNREACHABLE,
                    "The origin's socket " + origin.socketPath().get()
                            + " does not exist; check that the web app is running and the rule's path.");
        }
        if (cause instanceof NoRouteToHostException || cause instanceof ConnectException) {
            return new OriginFailure(
                    StreamError.ORIGIN_UNREACHABLE,
                    "The origin " + origin + " is unreachable from the connector (" + cause.getMessage() + ").");
        }
        return new OriginFailure(
                StreamError.ORIGIN_UNREACHABLE,
                "The connector could not connect to the origin " + origin + " (" + cause.getMessage() + ").");
    }

    static OriginFailure tlsFailure(Throwable cause, OriginService origin, Duration timeout) {
        if (cause instanceof SslHandshakeTimeoutException) {
            return new OriginFailure(
                    StreamError.ORIGIN_TIMEOUT,
                    "The origin " + origin + " did not finish the TLS handshake within " + human(timeout)
                            + "; check that it speaks TLS on that port.");
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OriginTrust.Refusal refusal) {
                return new OriginFailure(
                        StreamError.ORIGIN_TLS,
                        "TLS with the origin " + origin + " failed: " + refusal.getMessage() + ".");
            }
        }
        return new OriginFailure(
                StreamError.ORIGIN_TLS,
                "TLS with the origin " + origin + " failed: " + cause.getMessage()
                        + "; check that it speaks TLS on that port (else use http://).");
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
