package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.resume.ResumeName;
import dev.portless.common.wire.ErrorBody;
import dev.portless.common.wire.StreamEnd;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.events.Refusal;
import dev.portless.connector.edge.policy.AppRoute;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.streams.StreamOwner;
import dev.portless.connector.edge.tunnel.ConnectorConnection;
import dev.portless.connector.edge.tunnel.OpenedStream;
import dev.portless.connector.edge.tunnel.StreamOpenException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's decision on one stream request, whichever way the client asked (a WebSocket
 * upgrade, or a CONNECT on a multiplexed connection): find the app by hostname, check the
 * credentials, and have a connector of the app's tunnel dial the target. It completes, on the
 * given event loop, with the opened stream or with the refusal to send back.
 */
final class StreamAdmission {
    private static final Logger log = LoggerFactory.getLogger(StreamAdmission.class);
    /** The identity of a public app's requests, in logs and for the connector. */
    static final String ANONYMOUS = "anonymous";

    private final StreamServices shared;
    private final ClientLimits limits;

    /** Returns the admission of an edge with {@code shared}, under the default limits. */
    StreamAdmission(StreamServices shared) {
        this(shared, new ClientLimits(EdgeLimits.DEFAULTS));
    }

    /** Returns the admission of an edge with {@code shared}, whose streams count against {@code limits}. */
    StreamAdmission(StreamServices shared, ClientLimits limits) {
        this.shared = requireNonNull(shared, "shared");
        this.limits = requireNonNull(limits, "limits");
    }

    /**
     * Returns the outcome of a request for a TCP stream to {@code host} with the credentials in
     * {@code headers} from {@code client}; the future completes on {@code loop}.
     */
    CompletableFuture<Outcome> admit(String host, HttpHeaders headers, InetAddress client, EventLoop loop) {
        return admit(host, headers, client, loop, ticket -> TcpStreamRequest.of(ticket, host, headers));
    }

    /**
     * Returns the outcome of a request for a stream to {@code host} with the credentials in
     * {@code headers} from {@code client}, whose tunnel stream request {@code streamRequest} makes
     * from the ticket; the future completes on {@code loop}.
     */
    CompletableFuture<Outcome> admit(
            String host,
            HttpHeaders headers,
            InetAddress client,
            EventLoop loop,
            Function<Ticket, Http2Headers> streamRequest) {
        if (!limits.openStarted(client)) {
            return CompletableFuture.completedFuture(refusal(
                    StreamError.EDGE_BUSY,
                    "Too many streams are being opened from your address at once (the edge allows "
                            + limits.limits().streamOpensPerClient() + "); retry in a second."));
        }
        long startNanos = System.nanoTime();
        Entry entry = enter(host, headers, client, loop);
        if (entry instanceof Refused refused) {
            limits.openEnded(client);
            return CompletableFuture.completedFuture(refused);
        }
        Ticket ticket = (Ticket) entry;
        String identity = ticket.identity();
        // A public app's streams share one name; the per-address limits hold them instead.
        boolean counted = !ANONYMOUS.equals(identity);
        if (counted && !limits.streamOpened(identity)) {
            limits.openEnded(client);
            return CompletableFuture.completedFuture(refusal(
                    StreamError.TOO_MANY_STREAMS,
                    identity + " holds the most open streams the edge allows one identity ("
                            + limits.limits().streamsPerIdentity() + "); close some and retry."));
        }
        long streamId = ticket.streamId();
        String clientAddress = ticket.clientAddress();
        StreamRecord record = ticket.record(shared.events(), startNanos);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        shared.opener()
                .open(ticket.connection(), streamRequest.apply(ticket))
                .whenComplete((opened, failure) -> loop.execute(() -> {
                    limits.openEnded(client);
                    if (counted && failure != null) {
                        limits.streamClosed(identity);
                    } else if (counted) {
                        // The tunnel stream closes when the relay ends, or when nobody relays it.
                        opened.channel().closeFuture().addListener(f -> limits.streamClosed(identity));
                    }
                    if (failure != null) {
                        StreamOpenException e = unwrap(failure);
                        log.info(
                                "stream={} identity={} app={} client={} refused: {} ({})",
                                streamId,
                                identity,
                                host,
                                clientAddress,
                                e.error().code(),
                                e.getMessage());
                        outcome.complete(refused(host, clientAddress, refusal(e.error(), e.getMessage())));
                    } else {
                        outcome.complete(new Admitted(opened, record));
                    }
                }));
        return outcome;
    }

    /**
     * Returns whether a request for {@code host} with the credentials in {@code headers} from
     * {@code client} may go to a connector, and which: the app, its policy and a connector online
     * are checked here, once for streams and web-app requests alike.
     */
    Entry enter(String host, HttpHeaders headers, InetAddress client, EventLoop loop) {
        Entry entry = decide(host, headers, client, loop);
        return entry instanceof Refused refused ? refused(host, client.getHostAddress(), refused) : entry;
    }

    private Refused refused(String host, String client, Refused refused) {
        shared.events()
                .refused(new Refusal(
                        host, client, refused.error().code(), refused.error().httpStatus(), refused.message()));
        return refused;
    }

    private Entry decide(String host, HttpHeaders headers, InetAddress client, EventLoop loop) {
        if (shared.streams().draining()) {
            return refusal(
                    StreamError.EDGE_DRAINING, "This edge is shutting down; connect again to reach another edge.");
        }
        Optional<AppRoute> app = shared.apps().apply(host);
        if (app.isEmpty()) {
            return refusal(StreamError.UNKNOWN_APP, "Portless has no app at " + host + "; check --hostname.");
        }
        Decision decision = shared.authenticator().authenticate(headers, app.get(), client);
        if (!decision.allowed()) {
            return refusal(decision.error(), decision.message());
        }
        String resumeId = TcpStreamRequest.resumedStream(headers);
        Optional<ConnectorConnection> connection = resumeId == null
                ? shared.registry().pick(app.get().tunnel(), loop)
                : shared.registry().pickInstance(app.get().tunnel(), ResumeName.instanceOf(resumeId), loop);
        if (connection.isEmpty() && resumeId != null) {
            // Not a refusal: after an edge restart the connector registers again within its backoff, and the
            // client keeps trying for a while; a connector that crashed never does, and the client gives up.
            return refusal(
                    StreamError.NO_CONNECTOR,
                    "The connector that holds the stream " + resumeId
                            + " is not connected to this edge; if it does not register again soon, start the"
                            + " connection again.");
        }
        if (connection.isEmpty()) {
            return refusal(
                    StreamError.NO_CONNECTOR,
                    "No connector is online for " + host + " (tunnel "
                            + app.get().tunnel() + "); start `connector run` for that tunnel or check its logs.");
        }
        Identity who = decision.identity().orElseThrow();
        String identity = decision.via() == Decision.Credential.BYPASS
                ? ANONYMOUS
                : who.email().orElse(who.subject());
        long streamId = shared.streamIds().incrementAndGet();
        if (resumeId != null) {
            // The carrier's own line comes when it ends; this one says at once which stream came back.
            log.info(
                    "stream={} app={} resumes stream {} for {} at {}",
                    streamId,
                    host,
                    resumeId,
                    identity,
                    client.getHostAddress());
        }
        return new Ticket(app.get(), decision, connection.get(), identity, streamId, client.getHostAddress());
    }

    /** Returns the counts the streams it admits are held against. */
    ClientLimits clientLimits() {
        return limits;
    }

    /** Returns the services this admission consults. */
    StreamServices services() {
        return shared;
    }

    /**
     * Returns the app hostname a {@code Host} header or {@code :authority} names: lower case, without
     * the port or a trailing dot; empty when absent.
     */
    static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        h = colon < 0 ? h : h.substring(0, colon);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * Relays {@code client} (its stream adapter and hold in place) to the stream the connector
     * opened, and logs the stream's line once the relay has ended.
     */
    void relay(Channel client, OpenedStream opened, StreamRecord record) {
        record.events().streamOpened(record.app(), System.nanoTime() - record.startNanos());
        RelayPair pair = RelayPair.join(
                new RelayPair.Side(client, "client", () -> StreamAbort.of(StreamEnd.CLIENT_LOST)), opened.relaySide());
        shared.streams().track(pair, record.owner(), client.eventLoop());
        pair.done()
                .thenAccept(result -> record.ended(
                        opened.target(),
                        result.bytesFromFirst(),
                        result.bytesFromSecond(),
                        result.durationMillis(),
                        result.endReason()));
    }

    /** Logs the one line the edge writes per web-app request once its answer has ended, off the event loop. */
    static void logRequest(
            String id,
            String identity,
            String app,
            String client,
            HttpRequest request,
            int status,
            long bytesUp,
            long bytesDown,
            long durationMillis,
            String errorCode) {
        RequestLog.add(new RequestLog.Line(
                id,
                identity,
                app,
                client,
                request.method().name(),
                request.uri(),
                status,
                bytesUp,
                bytesDown,
                durationMillis,
                errorCode));
    }

    private Refused refusal(StreamError error, String message) {
        if (error.httpStatus() == 401) {
            // Where the client signs in: the CLI discovers the rest from <issuer>/.well-known/...
            Map<String, String> signIn = new LinkedHashMap<>();
            signIn.put(ErrorBody.ISSUER, shared.issuer().toString());
            signIn.put(ErrorBody.LOGIN_URL, shared.issuer() + "/oauth/authorize");
            return new Refused(error, message, signIn);
        }
        return new Refused(error, message, Map.of());
    }

    private static StreamOpenException unwrap(Throwable failure) {
        Throwable t =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof StreamOpenException e
                ? e
                : new StreamOpenException(
                        StreamError.INTERNAL, "The edge could not open the stream: " + t.getMessage());
    }

    /** What became of a stream request. */
    sealed interface Outcome permits Admitted, Refused {}

    /** Whether a request may go to a connector. */
    sealed interface Entry permits Ticket, Refused {}

    /**
     * A request let in, before its stream is opened.
     *
     * @param app           the app
     * @param decision      who, by which credential, with which app token
     * @param connection    the tunnel connection chosen for its stream
     * @param identity      the identity the logs and the connector see ({@code anonymous} for a public app)
     * @param streamId      the edge's id of the stream
     * @param clientAddress the client's address
     */
    record Ticket(
            AppRoute app,
            Decision decision,
            ConnectorConnection connection,
            String identity,
            long streamId,
            String clientAddress)
            implements Entry {
        /** Returns {@code headers} with the metadata every tunnel stream request carries. */
        Http2Headers metadata(Http2Headers headers) {
            return headers.set(TunnelProtocol.IDENTITY, identity)
                    .set(TunnelProtocol.CLIENT_ADDRESS, clientAddress)
                    .set(TunnelProtocol.STREAM_ID, Long.toString(streamId))
                    .set(TunnelProtocol.APP_TOKEN, AppTokenHeader.of(decision.appToken()));
        }

        /** Returns what the per-stream log line names, for a request that arrived at {@code startNanos}. */
        StreamRecord record(EdgeEvents events, long startNanos) {
            StreamOwner owner = new StreamOwner(decision.identity().orElseThrow(), app.hostname(), decision.since());
            return new StreamRecord(streamId, identity, app.hostname(), clientAddress, events, startNanos, owner);
        }
    }

    /** A stream the connector opened, ready for the relay. */
    record Admitted(OpenedStream opened, StreamRecord record) implements Outcome {}

    /**
     * A refusal: the HTTP status and code come from {@code error}; {@code extra} holds more
     * JSON members for the body (where to sign in).
     */
    record Refused(StreamError error, String message, Map<String, String> extra) implements Outcome, Entry {
        /** Returns the JSON body the client reads its sentence from. */
        String body() {
            return ErrorBody.json(error.code(), message, extra);
        }
    }
}
