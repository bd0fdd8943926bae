package dev.portless.connector.run;

import dev.portless.common.net.HostResolver;
import dev.portless.common.net.Transport;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.SocketStreamAdapter;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamEnd;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.ingress.BastionService;
import dev.portless.connector.ingress.IngressRule;
import dev.portless.connector.ingress.IngressRules;
import dev.portless.connector.ingress.StatusService;
import dev.portless.connector.ingress.TargetService;
import dev.portless.connector.run.session.StreamSessions;
import dev.portless.connector.token.VerifiedAppToken;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's handling of a TCP stream request: check the app token again (through the
 * {@link StreamGate}), match the ingress rules, resolve and dial the target, answer the edge, and relay.
 *
 * <p>The target connection shares the stream's event loop, so the relay's two sides never hand
 * buffers across threads. Name resolution runs on {@code resolver}'s threads because it may block.
 */
final class TargetDialer {
    private static final Logger log = LoggerFactory.getLogger(TargetDialer.class);

    private final IngressRules ingress;
    private final Transport transport;
    /** When the edge asked for the stream ({@link System#nanoTime()}): the start of its set-up time. */
    static final AttributeKey<Long> REQUESTED = AttributeKey.valueOf("portless.stream.requested");

    private final HostResolver resolver;
    private final StreamCounter streams;
    private final StreamGate gate;
    private final StreamSessions sessions;
    private final BastionDialer bastions;
    private final ConnectorMetrics metrics;

    TargetDialer(
            IngressRules ingress,
            Transport transport,
            HostResolver resolver,
            StreamCounter streams,
            StreamGate gate,
            ConnectorMetrics metrics,
            StreamSessions sessions) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.ingress = ingress;
        this.transport = transport;
        this.resolver = resolver;
        this.streams = streams;
        this.gate = gate;
        this.bastions = new BastionDialer(resolver, this);
    }

    /** Checks the stream's token, then dials the target of the TCP rule its hostname matches. */
    void dial(Channel stream, Http2Headers request) {
        stream.attr(REQUESTED).set(System.nanoTime());
        gate.admit(
                stream,
                request,
                (s, hostname, streamId, token, verified) -> admitted(s, request, hostname, streamId, verified));
    }

    /** Returns the jump destination the edge forwarded, or {@code null}. */
    static String jumpDestination(Http2Headers request) {
        CharSequence jump = request.get(TunnelProtocol.JUMP_DESTINATION);
        return jump == null ? null : jump.toString();
    }

    /**
     * Serves a TCP stream that has passed the gate: a resume goes to the session that holds the
     * stream, anything else dials the target (resumable when the client asked for it).
     */
    void admitted(Channel stream, Http2Headers request, String hostname, String streamId, VerifiedAppToken verified) {
        if (StreamSessions.isResume(request)) {
            sessions.resume(stream, request, hostname, verified.subject());
        } else {
            dialTarget(
                    stream,
                    hostname,
                    streamId,
                    jumpDestination(request),
                    StreamSessions.isNew(request) ? verified.subject() : null);
        }
    }

    /**
     * Dials the target of the TCP rule {@code hostname} matches, or for a bastion rule the {@code jump}
     * destination it allows; the stream has passed the gate. A {@code resumableFor} subject makes the
     * stream resumable by that subject only.
     */
    private void dialTarget(Channel stream, String hostname, String streamId, String jump, String resumableFor) {
        IngressRule rule = ingress.match(hostname);
        if (rule.service() instanceof StatusService) {
            refuse(
                    stream,
                    StreamError.NO_INGRESS,
                    "No ingress rule of the connector matches " + hostname + "; add one to its connector.yml.");
            return;
        }
        if (rule.service() instanceof BastionService bastion) {
            bastions.dial(stream, hostname, streamId, bastion, jump, rule.connectTimeout(), resumableFor);
            return;
        }
        if (!(rule.service() instanceof TargetService target)) {
            refuse(
                    stream,
                    StreamError.NOT_TCP,
                    hostname + " is a web app; open https://" + hostname + "/ in a browser instead of a TCP client.");
            return;
        }
        // An address needs no lookup: its future is done already, and the dial starts at once.
        Future<InetSocketAddress> address = resolver.resolve(stream.eventLoop(), target.host(), target.port());
        address.addListener(f -> {
            if (!address.isSuccess()) {
                refuse(
                        stream,
                        StreamError.TARGET_UNRESOLVED,
                        "The target host " + target.host()
                                + " does not resolve on the connector's machine; check the ingress rule for "
                                + hostname + ".");
            } else {
                connect(
                        stream,
                        hostname,
                        streamId,
                        target.toString(),
                        rule.connectTimeout(),
                        address.getNow(),
                        resumableFor);
            }
        });
    }

    /**
     * Dials {@code address} for the stream, answers the edge and relays; {@code target} names it in answers,
     * sentences and logs, and a {@code resumableFor} subject makes the stream resumable by that subject only.
     */
    void connect(
            Channel stream,
            String hostname,
            String streamId,
            String target,
            Duration timeout,
            InetSocketAddress address,
            String resumableFor) {
        if (!stream.isActive()) {
            return;
        }
        long dialStart = System.nanoTime();
        new Bootstrap()
                .group(stream.eventLoop())
                .channel(transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new SocketStreamAdapter())
                .connect(address)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        refuse(stream, errorOf(f.cause()), sentenceOf(f.cause(), target, timeout));
                        return;
                    }
                    Channel targetChannel = f.channel();
                    if (!stream.isActive()) {
                        targetChannel.close();
                        return;
                    }
                    Http2Headers ok = new DefaultHttp2Headers().status("200").set(TunnelProtocol.TARGET, target);
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(ok, false));
                    streams.opened();
                    Long requested = stream.attr(REQUESTED).get();
                    metrics.streamOpened(hostname, System.nanoTime() - (requested != null ? requested : dialStart));
                    if (resumableFor != null) {
                        sessions.open(
                                stream, targetChannel, hostname, resumableFor, target, (toTarget, fromTarget, end) -> {
                                    streams.closed();
                                    metrics.streamEnded(hostname, toTarget, fromTarget, end);
                                });
                        return;
                    }
                    RelayPair pair = RelayPair.join(
                            RelayPair.Side.of(stream, "edge"),
                            new RelayPair.Side(targetChannel, "target", () -> StreamAbort.of(StreamEnd.TARGET_RESET)));
                    streams.track(pair);
                    pair.done().thenAccept(r -> {
                        streams.closed();
                        metrics.streamEnded(hostname, r.bytesFromFirst(), r.bytesFromSecond(), r.endReason());
                        log.debug(
                                "stream={} app={} target={} bytes_to_target={} bytes_from_target={} end=\"{}\"",
                                streamId,
                                hostname,
                                target,
                                r.bytesFromFirst(),
                                r.bytesFromSecond(),
                                r.endReason());
                    });
                });
    }

    private static StreamError errorOf(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return StreamError.TARGET_TIMEOUT;
        }
        if (cause instanceof NoRouteToHostException) {
            return StreamError.TARGET_UNREACHABLE;
        }
        if (cause instanceof ConnectException) {
            String m = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
            return m.contains("refused") ? StreamError.TARGET_REFUSED : StreamError.TARGET_UNREACHABLE;
        }
        return StreamError.TARGET_UNREACHABLE;
    }

    private static String sentenceOf(Throwable cause, String target, Duration timeout) {
        return switch (errorOf(cause)) {
            case TARGET_TIMEOUT ->
                "The target " + target + " did not answer within " + human(timeout)
                        + "; check that it is reachable from the connector.";
            case TARGET_REFUSED ->
                "The target " + target + " refused the connection; check that its service is running.";
            default -> "The target " + target + " is unreachable from the connector (" + cause.getMessage() + ").";
        };
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static void refuse(Channel stream, StreamError error, String message) {
        StreamRefusal.refuse(stream, error, message);
    }
}
