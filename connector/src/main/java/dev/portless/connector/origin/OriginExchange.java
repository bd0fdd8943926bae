package dev.portless.connector.origin;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.ingress.OriginService;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web request proxied to its origin: the tunnel stream's request and body go out on one origin
 * connection, the response and its body come back, and the connection returns to the pool only after a
 * complete response that keeps it alive. Nothing is aggregated: each side reads only while the other is
 * writable, so a slow browser stalls the origin and a slow origin stalls the upload.
 *
 * <p>It is the last handler of the stream's pipeline (behind {@code Http2StreamAdapter}), and the
 * listener of the origin connection. Its state lives on the stream's event loop; what the origin
 * connection reports on another loop (a unix-socket origin's) is handed over to it.
 */
final class OriginExchange extends ChannelInboundHandlerAdapter implements OriginConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(OriginExchange.class);

    private final Channel stream;
    private final WebRequest request;
    private final HttpRequest originRequest;
    private final OriginService origin;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();

    // The rest is touched from the stream's event loop only.
    private OriginConnection connection;
    private boolean requestSent;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean keepAlive;
    private boolean ended;
    private ChannelFuture lastWrite;
    private int status;
    // Set while the request went out on a pooled connection and may go once more on a new one.
    private Runnable redial;
    private long bytesUp;
    private long bytesDown;

    OriginExchange(Channel stream, WebRequest request, HttpRequest originRequest, OriginService origin) {
        this.stream = stream;
        this.request = request;
        this.originRequest = originRequest;
        this.origin = origin;
        stream.closeFuture().addListener(f -> streamClosed());
    }

    /** Returns a future completed when the exchange (or the WebSocket it became) has ended. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Sends the request on {@code c}; runs on the stream's loop. */
    void attach(OriginConnection c) {
        if (ended) {
            c.pool().release(c);
            return;
        }
        connection = c;
        c.listener(this);
        if (stream.pipeline().context(this) != null) {
            // Sent again after a stale pooled connection: the stream side is in place already.
        } else if (request.websocket()) {
            // The stream stays a byte stream in waiting: its hold keeps early bytes for the relay.
            stream.pipeline().addBefore("hold", "exchange", this);
        } else {
            stream.pipeline().addLast("exchange", this);
            InboundHold hold = stream.pipeline().get(InboundHold.class);
            if (hold != null) {
                hold.release();
            }
        }
        Channel o = c.channel();
        o.write(originRequest);
        if (!request.hasBody() || request.websocket()) {
            o.write(LastHttpContent.EMPTY_LAST_CONTENT);
            requestSent = true;
        }
        o.flush();
        o.read();
        if (!requestSent) {
            stream.read();
        }
    }

    /**
     * Sends the request on {@code c}, a connection that waited in the pool; when the origin turns out to
     * have closed it before any byte of a response, {@code redial} sends the request once more on a new
     * connection. Only for requests that {@link StaleConnectionRetry#allows} to go twice.
     */
    void attachPooled(OriginConnection c, Runnable redial) {
        this.redial = redial;
        attach(c);
    }

    /** Answers the error of a failed dial; runs on the stream's loop. */
    void failed(OriginFailure failure) {
        refuse(failure);
    }

    // ---- the stream's side: request body in, writability ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || requestSent || ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        bytesUp += buf.readableBytes();
        Channel o = connection.channel();
        o.writeAndFlush(new DefaultHttpContent(buf));
        if (o.isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Reads are asked for one at a time, when the origin can take more.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof EndOfStream) {
            if (!requestSent && !ended) {
                requestSent = true;
                connection.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                finishIfComplete();
            }
        } else if (evt instanceof StreamAbort abort) {
            end("edge ended the stream: " + abort.reason());
            closeOrigin();
            stream.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && connection != null && responseStarted && !responseDone && !ended) {
            connection.channel().read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end("edge stream error: " + cause.getMessage());
        closeOrigin();
        ctx.close();
    }

    private void streamClosed() {
        if (!ended) {
            end("edge closed the stream");
            closeOrigin();
        }
    }

    // ---- the origin's side, handed to the stream's loop ----

    @Override
    public boolean upgrading() {
        return request.websocket();
    }

    @Override
    public void fromOrigin(HttpObject msg) {
        onStreamLoop(() -> {
            redial = null;
            try {
                if (!ended) {
                    response(msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    @Override
    public void upgraded(Channel o, HttpResponse switching) {
        onStreamLoop(() -> {
            if (ended) {
                o.close();
                return;
            }
            ended = true;
            status = switching.status().code();
            stream.pipeline().remove(this);
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(OriginHeaders.upgraded(switching), false));
            RelayPair.join(stream, "edge", o, "origin").done().whenComplete((r, t) -> {
                logLine(r == null ? "relay failed" : "upgraded, " + r.endReason(), r);
                done.complete(null);
            });
        });
    }

    @Override
    public void originWritable() {
        onStreamLoop(() -> {
            if (!requestSent && !ended) {
                stream.read();
            }
        });
    }

    @Override
    public void originGone(Throwable cause) {
        onStreamLoop(() -> {
            if (ended) {
                return;
            }
            if (!responseStarted && redial != null) {
                // The origin closed the kept connection as the request arrived (its keep-alive timeout
                // crossing our reuse); it has answered nothing, so the request goes again, once.
                Runnable again = redial;
                redial = null;
                log.debug(
                        "web stream={}: the pooled connection to {} was closed before an answer; sending again",
                        request.streamId(),
                        origin);
                connection.listener(null);
                connection = null;
                again.run();
                return;
            }
            if (!responseStarted) {
                refuse(new OriginFailure(
                        StreamError.ORIGIN_BAD_RESPONSE,
                        cause == null
                                ? "The origin " + origin + " closed the connection without answering; check its logs."
                                : "The origin " + origin + " failed before answering (" + cause.getMessage() + ")."));
            } else if (!responseDone) {
                end("origin closed mid-response" + (cause == null ? "" : ": " + cause.getMessage()));
                stream.close();
            }
        });
    }

    private void response(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            Throwable cause = msg.decoderResult().cause();
            if (responseStarted) {
                end("origin sent a malformed response: " + cause.getMessage());
                closeOrigin();
                stream.close();
            } else {
                refuse(new OriginFailure(
                        StreamError.ORIGIN_BAD_RESPONSE,
                        "The origin " + origin + " answered something that is not HTTP (" + cause.getMessage()
                                + "); check that the rule's scheme and port are the web app's."));
            }
            return;
        }
        if (msg instanceof HttpResponse r) {
            int code = r.status().code();
            if (code < 200) {
                // 100 Continue and other interim answers: the edge sends the body regardless.
                connection.channel().read();
                return;
            }
            status = code;
            keepAlive = HttpUtil.isKeepAlive(r) && !request.websocket() && !OriginHeaders.closes(originRequest);
            responseStarted = true;
            Http2Headers answer = OriginHeaders.toTunnel(r);
            if (request.websocket()) {
                // Without the mark the edge could not tell an origin's 200 from a TCP rule's.
                answer.set(TunnelProtocol.UPGRADED, TunnelProtocol.UPGRADED_NO);
            }
            stream.write(new DefaultHttp2HeadersFrame(answer, false));
        }
        if (msg instanceof HttpContent c) {
            ByteBuf content = c.content();
            if (content.isReadable()) {
                bytesDown += content.readableBytes();
                stream.write(content.retain());
            }
            if (msg instanceof LastHttpContent last) {
                responseDone = true;
                lastWrite = last.trailingHeaders().isEmpty()
                        ? stream.write(EndOfStream.INSTANCE)
                        : stream.write(
                                new DefaultHttp2HeadersFrame(OriginHeaders.trailers(last.trailingHeaders()), true));
            }
        }
        if (responseDone) {
            // Before the flush: once both ends have ended, the flush closes the stream at once.
            finishIfComplete();
            stream.flush();
        } else {
            stream.flush();
            if (stream.isWritable()) {
                connection.channel().read();
            }
        }
    }

    /** Ends the exchange once the response is complete; an unfinished upload cannot reuse the connection. */
    private void finishIfComplete() {
        if (!responseDone || ended) {
            return;
        }
        if (requestSent && keepAlive) {
            end("completed");
            OriginConnection c = connection;
            c.pool().release(c);
        } else {
            end(requestSent ? "completed" : "completed before the request body ended");
            closeOrigin();
        }
        // Closing the stream before its last frame leaves would reset it and lose the frame.
        lastWrite.addListener((ChannelFutureListener) f -> {
            if (!requestSent) {
                stream.close();
            }
        });
    }

    private void refuse(OriginFailure failure) {
        end(failure.error().code());
        closeOrigin();
        status = failure.error().httpStatus();
        if (stream.isActive()) {
            StreamRefusal.refuse(stream, failure.error(), failure.getMessage());
        }
    }

    private void closeOrigin() {
        if (connection != null) {
            connection.listener(null);
            connection.channel().close();
        }
    }

    private void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        logLine(reason, null);
        done.complete(null);
    }

    private void logLine(String reason, RelayPair.RelayResult relay) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "web stream={} app={} identity={} method={} path={} origin={} status={} bytes_up={} bytes_down={} ms={} end=\"{}\"",
                    request.streamId(),
                    request.hostname(),
                    request.verified().displayName(),
                    request.method(),
                    request.path(),
                    origin,
                    status,
                    relay == null ? bytesUp : relay.bytesFromFirst(),
                    relay == null ? bytesDown : relay.bytesFromSecond(),
                    (System.nanoTime() - startNanos) / 1_000_000,
                    reason);
        }
    }

    private void onStreamLoop(Runnable task) {
        if (stream.eventLoop().inEventLoop()) {
            task.run();
        } else {
            stream.eventLoop().execute(task);
        }
    }
}
