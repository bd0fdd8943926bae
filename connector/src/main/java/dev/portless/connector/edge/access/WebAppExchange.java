package dev.portless.connector.edge.access;

import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.access.StreamAdmission.Refused;
import dev.portless.connector.edge.access.StreamAdmission.Ticket;
import dev.portless.connector.edge.events.EdgeEvents;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.tunnel.StreamOpenException;
import dev.portless.connector.edge.web.ProxiedHeaders;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web-app request on an HTTP/1.1 client connection, from its head to the end of its response:
 * a tunnel stream of kind {@code http} carries the request's headers and body to a connector and the
 * origin's response back, both bodies streamed with backpressure (the browser is read only while the
 * tunnel stream is writable, the stream only while the browser's connection is). Every field is
 * touched on the client connection's event loop only; the tunnel stream's events are moved there.
 */
final class WebAppExchange {
    private static final Logger log = LoggerFactory.getLogger(WebAppExchange.class);

    /** What the exchange tells the connection's dispatcher. */
    interface Owner {
        /** Asks for more of the request body. */
        void requestMore();

        /** Reports that the response has been written; the connection may read the next request. */
        void finished();

        /** Returns who hears of each answered request. */
        EdgeEvents events();
    }

    private final ChannelHandlerContext ctx;
    private final HttpRequest head;
    private final Owner owner;
    private final long startNanos = System.nanoTime();
    private final ArrayDeque<HttpContent> early = new ArrayDeque<>();
    private final boolean keepAlive;
    private final BrowserWrites writes;
    private Ticket ticket;
    private Runnable release = () -> {};
    private Http2StreamChannel stream;
    private ScheduledFuture<?> responseDeadline;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean done;
    private long bytesUp;
    private long bytesDown;
    private int status;
    private String errorCode;

    WebAppExchange(ChannelHandlerContext ctx, HttpRequest head, Owner owner) {
        this.ctx = ctx;
        this.head = head;
        this.owner = owner;
        this.keepAlive = HttpUtil.isKeepAlive(head);
        this.writes = new BrowserWrites(ctx);
    }

    /**
     * Opens the tunnel stream for the request let in by {@code ticket}, waiting at most {@code timeout}
     * for the response head; {@code release} runs once when the exchange ends, however it ends.
     */
    void start(Ticket ticket, StreamServices shared, Duration timeout, Runnable release) {
        this.ticket = ticket;
        this.release = release;
        boolean noBody = !HttpUtil.isTransferEncodingChunked(head) && HttpUtil.getContentLength(head, 0L) == 0;
        requestEnded = noBody;
        Http2Headers request =
                WebStreamRequest.of(ticket, head.method().name(), head.uri(), head.headers(), TunnelProtocol.KIND_HTTP);
        shared.opener()
                .openExchange(ticket.connection(), request, noBody, new ResponseReader())
                .whenComplete((child, failure) -> ctx.executor().execute(() -> opened(child, failure, timeout)));
    }

    private void opened(Http2StreamChannel child, Throwable failure, Duration timeout) {
        if (failure != null) {
            Throwable t =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            StreamOpenException e = t instanceof StreamOpenException soe
                    ? soe
                    : new StreamOpenException(StreamError.INTERNAL, "The edge could not open the stream: " + t);
            refuse(e.error(), e.getMessage());
            return;
        }
        stream = child;
        if (done || !ctx.channel().isActive()) {
            child.close();
            return;
        }
        responseDeadline = ctx.executor()
                .schedule(
                        () -> {
                            if (!responseStarted) {
                                stream.close();
                                refuse(
                                        StreamError.CONNECTOR_TIMEOUT,
                                        "The connector did not answer the request for "
                                                + ticket.app().hostname() + " within " + timeout.toSeconds()
                                                + " s; try again.");
                            }
                        },
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        if (!requestEnded && HttpUtil.is100ContinueExpected(head)) {
            // The edge takes the body as fast as the stream allows; the client need not wait for the origin.
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        while (!early.isEmpty()) {
            forward(early.poll());
        }
        stream.read();
        if (!requestEnded && stream.isWritable()) {
            owner.requestMore();
        }
    }

    /** Takes the next part of the request body. */
    void content(HttpContent content) {
        if (done || (requestEnded && content.content().readableBytes() == 0)) {
            content.release();
            return;
        }
        if (stream == null) {
            early.add(content);
            return;
        }
        forward(content);
    }

    private void forward(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        bytesUp += content.content().readableBytes();
        requestEnded |= last;
        stream.writeAndFlush(new DefaultHttp2DataFrame(content.content(), last));
        if (!last && stream.isWritable()) {
            owner.requestMore();
        }
    }

    /** Answers {@code refused} instead of opening a stream. */
    void refuse(Refused refused) {
        refuse(refused.error(), refused.message(), refused.extra());
    }

    private void refuse(StreamError error, String message) {
        refuse(error, message, Map.of());
    }

    private void refuse(StreamError error, String message, Map<String, String> extra) {
        errorCode = error.code();
        WebResponse answer = WebAppAnswers.error(head, error.httpStatus(), error.code(), message, extra);
        answer(
                error.httpStatus() == HttpResponseStatus.TOO_MANY_REQUESTS.code()
                        ? answer.withHeader(HttpHeaderNames.RETRY_AFTER.toString(), HttpErrors.RETRY_AFTER_SECONDS)
                        : answer);
    }

    /** Answers with one of the edge's own responses (an error, a redirect) and closes the connection. */
    void answer(WebResponse response) {
        if (done) {
            return;
        }
        responseStarted = true;
        status = response.status();
        bytesDown += response.body().length;
        boolean isHead = HttpMethod.HEAD.equals(head.method());
        ctx.writeAndFlush(WebExchange.response(response, false, isHead, ctx.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
        end(false);
    }

    /** The browser's connection became writable again: read on from the tunnel stream. */
    void clientWritable() {
        if (stream != null && responseStarted && !done) {
            stream.read();
        }
    }

    /** The browser's connection closed: abandon the stream. */
    void clientClosed() {
        if (!done) {
            errorCode = errorCode == null ? "client_closed" : errorCode;
            end(false);
        }
    }

    private void response(Http2HeadersFrame frame) {
        Http2Headers h = frame.headers();
        if (responseStarted) {
            // Trailers end the body.
            LastHttpContent trailers = new DefaultLastHttpContent();
            ProxiedHeaders.response(h, trailers.trailingHeaders());
            writes.writeLast(trailers);
            end(true);
            return;
        }
        int code = WebAppAnswers.status(h);
        if (code >= 100 && code < 200) {
            stream.read();
            return;
        }
        CharSequence error = h.get(TunnelProtocol.ERROR);
        if (error != null) {
            CharSequence message = h.get(TunnelProtocol.MESSAGE);
            StreamError known = StreamError.fromCode(error.toString()).orElse(StreamError.INTERNAL);
            errorCode = error.toString();
            stream.close();
            answer(WebAppAnswers.error(
                    head,
                    code > 0 ? code : known.httpStatus(),
                    errorCode,
                    message != null ? message.toString() : "The connector could not serve this request.",
                    Map.of()));
            return;
        }
        responseStarted = true;
        cancelDeadline();
        status = code;
        writes.write(WebAppAnswers.proxied(head, h, code, frame.isEndStream(), !keepAlive || !requestEnded));
        if (frame.isEndStream()) {
            writes.writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
            end(true);
            return;
        }
        readOnWhenWritable();
    }

    private void data(Http2DataFrame frame) {
        if (!responseStarted || done) {
            frame.release();
            return;
        }
        bytesDown += frame.content().readableBytes();
        if (frame.isEndStream()) {
            writes.writeLast(new DefaultLastHttpContent(frame.content()));
            end(true);
            return;
        }
        writes.write(new DefaultHttpContent(frame.content()));
        readOnWhenWritable();
    }

    private void readOnWhenWritable() {
        if (ctx.channel().isWritable()) {
            stream.read();
        }
    }

    private void streamClosed() {
        if (done) {
            return;
        }
        if (!responseStarted) {
            refuse(
                    StreamError.NO_CONNECTOR,
                    "The connector closed the request for " + ticket.app().hostname()
                            + " before it answered; try again.");
        } else {
            // The body is cut short: the browser must not take it for the whole of it.
            errorCode = "stream_reset";
            writes.flush();
            ctx.close();
            end(false);
        }
    }

    private void end(boolean complete) {
        if (done) {
            return;
        }
        done = true;
        release.run();
        cancelDeadline();
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (stream != null && (!complete || !requestEnded)) {
            stream.close();
        }
        logLine();
        if (complete && requestEnded && keepAlive) {
            owner.finished();
        } else if (complete) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void cancelDeadline() {
        if (responseDeadline != null) {
            responseDeadline.cancel(false);
        }
    }

    private void logLine() {
        owner.events()
                .httpRequest(
                        ticket == null
                                ? StreamAdmission.hostOnly(head.headers().get(HttpHeaderNames.HOST))
                                : ticket.app().hostname(),
                        status);
        StreamAdmission.logRequest(
                ticket == null ? "-" : Long.toString(ticket.streamId()),
                ticket == null ? "-" : ticket.identity(),
                ticket == null
                        ? StreamAdmission.hostOnly(head.headers().get(HttpHeaderNames.HOST))
                        : ticket.app().hostname(),
                ticket == null ? String.valueOf(ctx.channel().remoteAddress()) : ticket.clientAddress(),
                head,
                status,
                bytesUp,
                bytesDown,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                errorCode);
    }

    /** Reads the tunnel stream and moves each event to the client connection's loop. */
    private final class ResponseReader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext streamCtx, Object msg) {
            onClientLoop(() -> {
                if (msg instanceof Http2HeadersFrame headers) {
                    response(headers);
                } else if (msg instanceof Http2DataFrame data) {
                    data(data);
                } else {
                    ReferenceCountUtil.release(msg);
                    stream.read();
                }
            });
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext streamCtx) {
            if (streamCtx.channel().isWritable()) {
                onClientLoop(() -> {
                    if (!done && !requestEnded) {
                        owner.requestMore();
                    }
                });
            }
            streamCtx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext streamCtx) {
            onClientLoop(WebAppExchange.this::streamClosed);
        }

        /**
         * Runs {@code event} on the client connection's loop: at once when the tunnel connection shares it
         * (the edge picks such a one when it can), so the frames of one tunnel read are written in that read.
         */
        private void onClientLoop(Runnable event) {
            if (ctx.executor().inEventLoop()) {
                event.run();
            } else {
                ctx.executor().execute(event);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext streamCtx, Throwable cause) {
            log.debug("Tunnel stream of a web request failed: {}", cause.toString());
            streamCtx.close();
        }
    }
}
