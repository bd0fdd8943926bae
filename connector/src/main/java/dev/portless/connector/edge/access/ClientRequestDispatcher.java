package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.edge.access.StreamAdmission.Refused;
import dev.portless.connector.edge.access.StreamAdmission.Ticket;
import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.web.AppSignIn;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides what a browser's request is, on its head and before any body is read
 * (on an HTTP/1.1 connection, or on one stream of an {@code h2} connection behind the frame-to-HTTP
 * codec): a request to a web app's hostname (other than a WebSocket upgrade and the
 * edge's own {@code /.portless/} paths) is a {@link WebAppExchange} whose body streams; everything
 * else goes whole through the aggregator to {@link AggregatedRequestHandler} (stream upgrades and the
 * edge's pages). Requests run one at a time: a request pipelined behind another waits here until
 * the answer before it is written. A head that two parsers could read two ways is refused with 400,
 * a header block over the limit with 431. Streams on a {@code portless-h2} connection never come
 * here: ALPN sends them to {@link ConnectStreamHandler}.
 */
final class ClientRequestDispatcher extends ChannelDuplexHandler implements WebAppExchange.Owner {
    private static final Logger log = LoggerFactory.getLogger(ClientRequestDispatcher.class);

    private final StreamAdmission admission;
    private final WebRequestLimit webRequests;
    private final EdgeLimits limits;
    private final Runnable expectHead;
    // Every field below is touched from the connection's event loop only.
    private final ArrayDeque<Object> parked = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private WebAppExchange exchange;
    private boolean inFlight;
    private boolean requestOpen;
    private boolean refusing;
    private ScheduledFuture<?> headDeadline;
    private boolean waitingForHead;
    // How much later than the pending check the current wait's deadline falls.
    private long headCheckLate;

    /**
     * Returns a dispatcher that admits web-app requests with {@code admission} under {@code limits}
     * (the next request head's deadline, a web app's response deadline, the sign-in state's life);
     * {@code expectHead} runs before each new head is read (it rearms the raw-bytes guard of an
     * HTTP/1.1 connection).
     */
    ClientRequestDispatcher(StreamAdmission admission, EdgeLimits limits, Runnable expectHead) {
        this.admission = requireNonNull(admission, "admission");
        this.webRequests = new WebRequestLimit(admission);
        this.limits = requireNonNull(limits, "limits");
        this.expectHead = requireNonNull(expectHead, "expectHead");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        armHeadDeadline();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (inFlight && !requestOpen) {
            parked.add(msg); // a pipelined request: its turn comes after this answer
            return;
        }
        if (msg instanceof HttpRequest head) {
            head(head);
        } else if (msg instanceof HttpContent content) {
            content(content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void head(HttpRequest head) {
        cancelHeadDeadline();
        // From here on the request's handler decides when to read: nothing the client sends early is buffered.
        ctx.channel().config().setAutoRead(false);
        inFlight = true;
        requestOpen = !(head instanceof LastHttpContent);
        if (ConnectionLimit.isOverLimit(ctx.channel())) {
            refusing = true;
            ReferenceCountUtil.release(head);
            HttpErrors.retryLater(
                    ctx, HttpResponseStatus.TOO_MANY_REQUESTS, ConnectionLimit.sentence(limits.connectionsPerClient()));
            return;
        }
        RequestHeadRules.Refusal refusal = RequestHeadRules.check(head);
        if (refusal != null) {
            refusing = true;
            ReferenceCountUtil.release(head);
            HttpErrors.text(ctx, HttpResponseStatus.valueOf(refusal.status()), refusal.sentence());
            return;
        }
        String host = StreamAdmission.hostOnly(head.headers().get(HttpHeaderNames.HOST));
        String path = new QueryStringDecoder(head.uri()).rawPath();
        boolean app = admission.services().apps().apply(host).isPresent();
        if (!app && !AggregatedRequestHandler.isUpgrade(head) && !servesEdgePages(host)) {
            // A name that reaches this edge by DNS but is no app: the sign-in pages would only mislead.
            exchange = new WebAppExchange(ctx, head, this);
            exchange.refuse(new Refused(
                    StreamError.UNKNOWN_APP,
                    "No app is published at " + host + " on this edge; check the address.",
                    Map.of()));
            return;
        }
        if (!app || AggregatedRequestHandler.isUpgrade(head) || path.startsWith(AppSignIn.EDGE_PREFIX)) {
            exchange = null;
            ctx.fireChannelRead(head);
            return;
        }
        exchange = new WebAppExchange(ctx, head, this);
        StreamAdmission.Entry entry = admission.enter(
                host, head.headers(), clientAddress(), ctx.channel().eventLoop());
        Optional<Refused> over =
                entry instanceof Ticket ticket ? webRequests.started(ticket, clientAddress()) : Optional.empty();
        if (over.isPresent()) {
            exchange.refuse(over.get());
        } else if (entry instanceof Ticket ticket) {
            InetAddress client = clientAddress();
            exchange.start(
                    ticket, admission.services(), limits.webResponseTimeout(), () -> webRequests.ended(ticket, client));
        } else if (WebAppAnswers.isNavigation(head)
                && ((Refused) entry).error().httpStatus() == 401
                && !BearerTokenAuthenticator.present(head.headers())) {
            exchange.answer(AppSignInRedirect.to(
                    admission.services().issuer(), host, head.uri(), limits.appSignInStateLifetime()));
        } else {
            exchange.refuse((Refused) entry);
        }
    }

    private void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestOpen = false;
        }
        if (!content.decoderResult().isSuccess()) {
            // A bad chunk size: the body cannot be read one way only. Nothing more of it is forwarded.
            content.release();
            refusing = true;
            if (exchange != null) {
                exchange.clientClosed();
            }
            HttpErrors.text(ctx, HttpResponseStatus.BAD_REQUEST, "Bad request: malformed chunked body.");
            return;
        }
        if (exchange != null) {
            exchange.content(content);
        } else {
            ctx.fireChannelRead(content);
        }
    }

    @Override
    public void requestMore() {
        if (requestOpen) {
            ctx.read();
        }
    }

    @Override
    public void finished() {
        exchange = null;
        nextRequest();
    }

    @Override
    public EdgeEvents events() {
        return admission.services().events();
    }

    /** A read from the aggregated handlers after their answer: the next request may come. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (inFlight && exchange == null && !requestOpen) {
            nextRequest();
        } else {
            ctx.read();
        }
    }

    private void nextRequest() {
        inFlight = false;
        if (parked.isEmpty()) {
            expectHead.run();
            armHeadDeadline();
            ctx.read();
            return;
        }
        armHeadDeadline();
        while (!parked.isEmpty() && !(inFlight && !requestOpen) && !refusing) {
            channelRead(ctx, parked.poll());
        }
        if (!inFlight || requestOpen) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopHeadTimer();
        if (exchange != null) {
            exchange.clientClosed();
        }
        parked.forEach(ReferenceCountUtil::release);
        parked.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopHeadTimer();
    }

    /**
     * Starts the wait for the next request head. The timer is lazy: one scheduled check per connection
     * instead of a timer made and cancelled for every request of a keep-alive connection. A wait that
     * starts while the check is pending records how much later than the check its own deadline falls,
     * read off the pending check by the loop's own clock.
     */
    private void armHeadDeadline() {
        waitingForHead = true;
        long timeout = limits.requestHeadTimeout().toNanos();
        if (headDeadline == null) {
            headCheckLate = 0;
            scheduleHeadCheck(timeout);
        } else {
            headCheckLate = timeout - headDeadline.getDelay(TimeUnit.NANOSECONDS);
        }
    }

    /** The wait for a head is over (a head came); the pending check finds nothing to do. */
    private void cancelHeadDeadline() {
        waitingForHead = false;
    }

    private void scheduleHeadCheck(long delayNanos) {
        headDeadline = ctx.executor().schedule(this::checkHeadDeadline, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkHeadDeadline() {
        headDeadline = null;
        if (!waitingForHead || !ctx.channel().isActive()) {
            return;
        }
        if (headCheckLate > 0) {
            long late = headCheckLate;
            headCheckLate = 0;
            scheduleHeadCheck(late);
            return;
        }
        waitingForHead = false;
        log.debug(
                "Client connection {} sent no complete request head within {} s; closing it",
                ctx.channel().remoteAddress(),
                limits.requestHeadTimeout().toSeconds());
        // A slow sender holds the connection no longer than an honest one.
        refusing = true;
        HttpErrors.text(
                ctx,
                HttpResponseStatus.REQUEST_TIMEOUT,
                "Request timeout: no complete request head within "
                        + limits.requestHeadTimeout().toSeconds() + " s; send it whole.");
    }

    private void stopHeadTimer() {
        waitingForHead = false;
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    /**
     * Returns whether the edge's own pages answer on {@code host}: the issuer's host, an address
     * literal or {@code localhost} (how operators and health checks reach the edge directly), or no Host.
     */
    private boolean servesEdgePages(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return host.isEmpty()
                || host.equalsIgnoreCase(admission.services().issuer().getHost())
                || "localhost".equals(host)
                || NetUtil.isValidIpV4Address(literal)
                || NetUtil.isValidIpV6Address(literal);
    }

    private InetAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
