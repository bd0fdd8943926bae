package dev.portless.connector.origin;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.connector.ingress.IngressRule;
import dev.portless.connector.ingress.IngressRules;
import dev.portless.connector.ingress.OriginRequest;
import dev.portless.connector.ingress.OriginService;
import dev.portless.connector.origin.h2.H2Limits;
import dev.portless.connector.origin.h2.H2Pool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The connector's web proxy: it sends each web request of a tunnel stream to the origin of its ingress
 * rule, over a pooled connection per origin (HTTP/2 streams for a rule with {@code http2-origin}), and
 * streams the answer back.
 *
 * <p>TLS contexts are built at start, one per rule with an https or unix+tls origin, since reading a
 * {@code ca-pool} touches the disk, which no event loop may wait on.
 */
public final class OriginProxy implements AutoCloseable {
    private final OriginDialer dialer;
    private final Map<IngressRule, OriginPool> pools = new HashMap<>();
    private final Map<IngressRule, OriginTls> tls = new HashMap<>();
    private final Map<IngressRule, H2Pool> http2 = new HashMap<>();
    private final OriginLimits limits;
    // Started on the first unix-socket request; guarded by this.
    private UnixSockets unix;

    /**
     * Returns the proxy of {@code rules}' web origins, with {@code h2} the sizes of HTTP/2 origin connections.
     *
     * @throws IllegalArgumentException when a rule's TLS set-up cannot be built
     */
    public OriginProxy(
            IngressRules rules, Transport transport, HostResolver resolver, OriginLimits limits, H2Limits h2) {
        requireNonNull(rules, "rules");
        requireNonNull(transport, "transport");
        requireNonNull(resolver, "resolver");
        this.limits = requireNonNull(limits, "limits");
        requireNonNull(h2, "h2");
        this.dialer = new OriginDialer(transport, resolver, this::unixLoop, limits);
        for (IngressRule rule : rules.rules()) {
            if (rule.service() instanceof OriginService origin) {
                OriginRequest settings = rule.originRequest();
                pools.put(rule, new OriginPool(settings.keepAliveConnections(), settings.keepAliveTimeout()));
                if (origin.tls()) {
                    tls.put(rule, OriginTls.of(origin, settings));
                }
                if (settings.http2Origin()) {
                    http2.put(rule, http2Pool(origin, settings, h2));
                }
            }
        }
    }

    /**
     * Proxies {@code request} on {@code stream} to the origin of {@code rule}; call it on the stream's
     * loop, with the stream's pipeline ending in its adapter and hold. Returns a future completed when the
     * request (or the WebSocket it became) has ended.
     */
    public CompletableFuture<Void> proxy(Channel stream, WebRequest request, IngressRule rule) {
        requireNonNull(stream, "stream");
        requireNonNull(request, "request");
        H2Pool h2 = http2.get(requireNonNull(rule, "rule"));
        // WebSocket upgrades stay on HTTP/1.1: extended CONNECT (RFC 8441) is not spoken to origins.
        if (h2 != null && !request.websocket() && !h2.http1Only()) {
            Http2OriginExchange exchange = new Http2OriginExchange(
                    stream,
                    request,
                    Http2OriginHeaders.request(originRequest(request, rule), request.headers()),
                    (OriginService) rule.service(),
                    connection -> http1(stream, request, rule, connection));
            // What an HTTP/2 origin left unprocessed (GOAWAY, REFUSED_STREAM) is safe to send again, whatever
            // the method (RFC 9113, section 8.7). Again on a connection of its own: on a shared one the
            // origin could leave it out once more with the others (nginx's keepalive_requests).
            exchange.allowRetry(
                    () -> h2.openOnNewConnection(stream.eventLoop(), exchange),
                    limits.maxRetryBodyBytes(),
                    limits.maxRequestTries());
            h2.open(stream.eventLoop(), exchange);
            return exchange.done();
        }
        return http1(stream, request, rule, null);
    }

    /** Returns the request the origin of {@code rule} gets for {@code request}, as HTTP/1.1. */
    private static HttpRequest originRequest(WebRequest request, IngressRule rule) {
        return OriginHeaders.toOrigin(
                request.headers(),
                rule.originRequest().httpHostHeader().orElse(request.hostname()),
                request.appToken(),
                request.verified(),
                request.hasBody(),
                request.websocket());
    }

    /**
     * Proxies {@code request} over HTTP/1.1: on {@code tlsConnection} when an HTTP/2 origin's handshake
     * chose HTTP/1.1 on it, else on a pooled or new connection.
     */
    private CompletableFuture<Void> http1(Channel stream, WebRequest request, IngressRule rule, Channel tlsConnection) {
        OriginService origin = (OriginService) rule.service();
        OriginExchange exchange = new OriginExchange(stream, request, originRequest(request, rule), origin);
        OriginPool pool = pools.get(rule);
        if (tlsConnection != null) {
            exchange.attach(dialer.http1(tlsConnection, pool));
            return exchange.done();
        }
        EventLoop loop;
        try {
            loop = dialer.loopFor(origin, stream.eventLoop());
        } catch (OriginFailure f) {
            exchange.failed(f);
            return exchange.done();
        }
        // An upgraded connection never returns, so an upgrade may as well take a fresh one.
        OriginConnection idle = request.websocket() ? null : pool.take(loop);
        if (idle == null) {
            dial(stream, exchange, loop, rule, pool);
        } else if (StaleConnectionRetry.allows(request)) {
            exchange.attachPooled(
                    idle,
                    () -> dial(stream, exchange, loop, rule, pool),
                    limits.maxRetryBodyBytes(),
                    limits.maxRequestTries());
        } else {
            exchange.attach(idle);
        }
        return exchange.done();
    }

    /** Sends {@code exchange}'s request on a new connection to {@code rule}'s origin. */
    private void dial(Channel stream, OriginExchange exchange, EventLoop loop, IngressRule rule, OriginPool pool) {
        OriginService origin = (OriginService) rule.service();
        OriginRequest settings = rule.originRequest();
        Future<OriginConnection> dialed = dialer.dial(loop, origin, settings, tls.get(rule), pool);
        dialed.addListener(f -> stream.eventLoop().execute(() -> {
            if (dialed.isSuccess()) {
                exchange.attach(dialed.getNow());
            } else if (dialed.cause() instanceof OriginFailure failure) {
                exchange.failed(failure);
            } else {
                exchange.failed(OriginDialer.connectFailure(dialed.cause(), origin, settings.connectTimeout()));
            }
        }));
    }

    /** Returns the HTTP/2 connections of {@code origin}, dialed with ALPN offering h2 first. */
    private H2Pool http2Pool(OriginService origin, OriginRequest settings, H2Limits h2) {
        OriginTls offering = OriginTls.offeringHttp2(origin, settings);
        return new H2Pool(
                origin.toString(),
                loop -> dialer.open(loop, origin, settings, offering),
                h2,
                settings.tlsTimeout(),
                settings.keepAliveConnections(),
                settings.keepAliveTimeout());
    }

    private synchronized EventLoop unixLoop() throws OriginFailure {
        if (unix == null) {
            unix = UnixSockets.start(limits.unixLoopThreads());
        }
        return unix.loop();
    }

    @Override
    public synchronized void close() {
        if (unix != null) {
            unix.close();
        }
    }
}
