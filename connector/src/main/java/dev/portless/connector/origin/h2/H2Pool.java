package dev.portless.connector.origin.h2;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 connections to one origin: kept by event loop, so a request's stream shares its tunnel
 * stream's loop, and on each loop a new connection is dialed only when the open ones are full (their
 * origin's SETTINGS_MAX_CONCURRENT_STREAMS) and the dials under way cannot take the requests waiting.
 * At most {@code keep-alive-connections} connections without streams are kept, each for
 * {@code keep-alive-timeout}, counted over all loops. A request sent again because the origin left it
 * out gets a connection dialed for it, as its first stream ({@link #openOnNewConnection}).
 *
 * <p>When the origin does not select {@code h2} in ALPN, the pool says so once in the log and from then
 * on sends every request to the HTTP/1.1 path.
 */
public final class H2Pool {
    private static final Logger log = LoggerFactory.getLogger(H2Pool.class);
    /** Streams a connection whose SETTINGS have not arrived is expected to take (RFC 9113 asks for 100 at least). */
    static final int EXPECTED_STREAMS = 100;

    /** Opens a TLS connection to the origin, offering {@code h2} and {@code http/1.1}, handshake done. */
    public interface Dialer {
        Future<Channel> dial(EventLoop loop);
    }

    /** What becomes of a request that asked for a stream; called on the loop it asked on. */
    public interface Opening {
        /** The stream, reads off, nothing sent yet. */
        void opened(Http2StreamChannel stream);

        /**
         * The origin speaks HTTP/1.1 only: {@code connection} is the TLS connection dialed for this request
         * (nothing behind TLS yet), or null when the request should dial its own.
         */
        void notHttp2(Channel connection);

        /** The connection could not be made: the dial's own failure, or one of HTTP/2's set-up. */
        void failed(Throwable cause);
    }

    private final String origin;
    private final Dialer dialer;
    private final H2Limits limits;
    private final Duration setupTimeout;
    private final int maxIdle;
    private final Duration idleTimeout;
    private final AtomicInteger idle = new AtomicInteger();
    private final Map<EventLoop, OnLoop> loops = new ConcurrentHashMap<>();
    private volatile boolean http1Only;

    /**
     * Returns the pool of {@code origin} (its name, for the log).
     *
     * @param setupTimeout how long the origin may take to send its SETTINGS after TLS
     */
    public H2Pool(
            String origin, Dialer dialer, H2Limits limits, Duration setupTimeout, int maxIdle, Duration idleTimeout) {
        this.origin = requireNonNull(origin, "origin");
        this.dialer = requireNonNull(dialer, "dialer");
        this.limits = requireNonNull(limits, "limits");
        this.setupTimeout = requireNonNull(setupTimeout, "setupTimeout");
        this.maxIdle = maxIdle;
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Returns whether the origin turned out to speak HTTP/1.1 only. */
    public boolean http1Only() {
        return http1Only;
    }

    /** Asks for a stream on {@code loop}, the requesting tunnel stream's; call it on that loop. */
    public void open(EventLoop loop, Opening opening) {
        requireNonNull(opening, "opening");
        loops.computeIfAbsent(requireNonNull(loop, "loop"), OnLoop::new).open(opening);
    }

    /**
     * Asks for a stream on {@code loop} on a connection dialed for it, whose first stream it is; the
     * connection joins the pool once the stream is open. For a request the origin left out on a shared
     * connection: an origin that serves a few requests per connection processes the first one.
     */
    public void openOnNewConnection(EventLoop loop, Opening opening) {
        requireNonNull(opening, "opening");
        loops.computeIfAbsent(requireNonNull(loop, "loop"), OnLoop::new).openAlone(opening);
    }

    /** Returns the number of HTTP/2 connections open now, all loops together. */
    int connections() {
        return loops.values().stream().mapToInt(l -> l.live.size()).sum();
    }

    /** What becomes of a dial; called on the loop it was made on. */
    private interface Dialed {
        /** HTTP/2 runs on the connection, the origin's SETTINGS in. */
        void started(H2Connection c);

        /** The origin chose {@code chosen} (null: nothing) instead of h2 on {@code ch}, TLS done. */
        void notHttp2(Channel ch, String chosen);

        /** The dial or HTTP/2's set-up failed. */
        void failed(Throwable cause);
    }

    /** The connections and waiting requests of one loop; touched on that loop only. */
    private final class OnLoop implements H2Connection.Owner {
        private final EventLoop loop;
        private final List<H2Connection> live = new ArrayList<>();
        private final Queue<Opening> waiting = new ArrayDeque<>();
        private int dialing;

        OnLoop(EventLoop loop) {
            this.loop = loop;
        }

        void open(Opening opening) {
            if (http1Only) {
                opening.notHttp2(null);
                return;
            }
            for (H2Connection c : live) {
                if (c.hasRoom()) {
                    if (c.open() == 0) {
                        idle.decrementAndGet();
                    }
                    c.openStream().addListener((Future<Http2StreamChannel> f) -> {
                        if (f.isSuccess()) {
                            opening.opened(f.getNow());
                        } else {
                            opening.failed(f.cause());
                        }
                    });
                    return;
                }
            }
            waiting.add(opening);
            if (waiting.size() > dialing * EXPECTED_STREAMS) {
                dial();
            }
        }

        void openAlone(Opening opening) {
            if (http1Only) {
                opening.notHttp2(null);
                return;
            }
            dialHttp2(new Dialed() {
                @Override
                public void started(H2Connection c) {
                    c.openStream().addListener((Future<Http2StreamChannel> o) -> {
                        if (o.isSuccess()) {
                            opening.opened(o.getNow());
                        } else {
                            opening.failed(o.cause());
                        }
                        // After the stream's head went out, so that it is the connection's first stream.
                        if (!c.retired() && c.channel().isActive()) {
                            live.add(c);
                            retryWaiting();
                        }
                    });
                }

                @Override
                public void notHttp2(Channel ch, String chosen) {
                    noHttp2(chosen);
                    opening.notHttp2(ch);
                }

                @Override
                public void failed(Throwable cause) {
                    opening.failed(cause);
                }
            });
        }

        private void dial() {
            dialing++;
            dialHttp2(new Dialed() {
                @Override
                public void started(H2Connection c) {
                    dialing--;
                    live.add(c);
                    // Counted idle until a stream takes it; one no request took is idle for real.
                    idle.incrementAndGet();
                    retryWaiting();
                    if (c.open() == 0 && live.contains(c)) {
                        idle.decrementAndGet();
                        idle(c);
                    }
                }

                @Override
                public void notHttp2(Channel ch, String chosen) {
                    dialing--;
                    fallBack(ch, chosen);
                }

                @Override
                public void failed(Throwable cause) {
                    dialing--;
                    failWaiting(cause);
                }
            });
        }

        /** Dials a connection and starts HTTP/2 on it when the origin chose h2; {@code then} hears how it went. */
        private void dialHttp2(Dialed then) {
            Future<Channel> dialed = dialer.dial(loop);
            dialed.addListener(f -> {
                if (!dialed.isSuccess()) {
                    then.failed(dialed.cause());
                    return;
                }
                Channel ch = dialed.getNow();
                SslHandler tls = ch.pipeline().get(SslHandler.class);
                String chosen = tls == null ? null : tls.applicationProtocol();
                if (!ApplicationProtocolNames.HTTP_2.equals(chosen)) {
                    then.notHttp2(ch, chosen);
                    return;
                }
                H2Connection.start(ch, limits, setupTimeout, this).addListener((Future<H2Connection> s) -> {
                    if (s.isSuccess()) {
                        then.started(s.getNow());
                    } else {
                        then.failed(s.cause());
                    }
                });
            });
        }

        private void fallBack(Channel ch, String chosen) {
            noHttp2(chosen);
            Opening first = waiting.poll();
            if (first == null) {
                ch.close();
            } else {
                first.notHttp2(ch);
            }
            retryWaiting();
        }

        private void noHttp2(String chosen) {
            if (!http1Only) {
                http1Only = true;
                log.info(
                        "The origin {} did not select h2 in its TLS handshake ({}); its requests go over HTTP/1.1",
                        origin,
                        chosen == null ? "no ALPN answer" : "it chose " + chosen);
            }
        }

        /** Sends the waiting requests round again: to a connection with room, or to a new dial. */
        private void retryWaiting() {
            List<Opening> again = new ArrayList<>(waiting);
            waiting.clear();
            again.forEach(this::open);
        }

        private void failWaiting(Throwable cause) {
            // The requests beyond what the dials still under way can take fail with this dial.
            while (waiting.size() > dialing * EXPECTED_STREAMS) {
                waiting.poll().failed(cause);
            }
        }

        @Override
        public void idle(H2Connection c) {
            if (idle.incrementAndGet() > maxIdle) {
                idle.decrementAndGet();
                live.remove(c);
                c.channel().close();
                return;
            }
            c.closeWhenIdleFor(idleTimeout);
        }

        @Override
        public void retired(H2Connection c) {
            if (live.remove(c) && c.open() == 0) {
                idle.decrementAndGet();
            }
        }
    }
}
