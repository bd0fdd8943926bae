package dev.portless.connector.origin;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.ingress.OriginService;
import dev.portless.connector.origin.h2.H2Pool;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web request proxied to an HTTP/2 origin: the tunnel stream's request and body go out on a stream
 * of a pooled HTTP/2 connection, the response, its body and trailers come back. Each side reads only
 * while the other is writable, so a body streams with at most a window of it in memory.
 *
 * <p>It is the last handler of the tunnel stream's pipeline, and {@link OriginSide} the last of the
 * origin stream's. Both streams share one event loop, where all its state lives.
 */
final class Http2OriginExchange extends ChannelInboundHandlerAdapter implements H2Pool.Opening {
    private static final Logger log = LoggerFactory.getLogger(Http2OriginExchange.class);

    private final Channel stream;
    private final WebRequest request;
    private final Http2Headers originRequest;
    private final OriginService origin;
    /** Sends the request over HTTP/1.1 on the given TLS connection, or a new one when it is null. */
    private final Function<Channel, CompletableFuture<Void>> http1;

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();
    private Http2StreamChannel originStream;
    private boolean requestSent;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean ended;
    private ChannelFuture lastWrite;
    private int status;
    private String goAway;
    private long bytesUp;
    private long bytesDown;

    Http2OriginExchange(
            Channel stream,
            WebRequest request,
            Http2Headers originRequest,
            OriginService origin,
            Function<Channel, CompletableFuture<Void>> http1) {
        this.stream = stream;
        this.request = request;
        this.originRequest = originRequest;
        this.origin = origin;
        this.http1 = http1;
        stream.closeFuture().addListener(f -> streamClosed());
    }

    /** Returns a future completed when the exchange has ended. */
    CompletableFuture<Void> done() {
        return done;
    }

    // ---- what the pool gives ----

    @Override
    public void opened(Http2StreamChannel s) {
        if (ended) {
            s.close();
            return;
        }
        originStream = s;
        s.pipeline().addLast("exchange", new OriginSide());
        stream.pipeline().addLast("exchange", this);
        InboundHold hold = stream.pipeline().get(InboundHold.class);
        if (hold != null) {
            hold.release();
        }
        requestSent = !request.hasBody();
        s.writeAndFlush(new DefaultHttp2HeadersFrame(originRequest, requestSent));
        s.read();
        if (!requestSent) {
            stream.read();
        }
    }

    @Override
    public void notHttp2(Channel connection) {
        if (ended) {
            if (connection != null) {
                connection.close();
            }
            return;
        }
        ended = true;
        http1.apply(connection).whenComplete((v, t) -> done.complete(null));
    }

    @Override
    public void failed(Throwable cause) {
        if (cause instanceof OriginFailure f) {
            refuse(f);
        } else if (cause instanceof TimeoutException) {
            refuse(new OriginFailure(
                    StreamError.ORIGIN_TIMEOUT,
                    "The origin " + origin + " chose HTTP/2 but sent no SETTINGS in time (" + cause.getMessage()
                            + "); check its HTTP/2 support, or remove http2-origin."));
        } else {
            refuse(new OriginFailure(
                    StreamError.ORIGIN_BAD_RESPONSE,
                    "The origin " + origin + " chose HTTP/2 but did not set it up (" + cause.getMessage()
                            + "); check its HTTP/2 support, or remove http2-origin."));
        }
    }

    // ---- the tunnel stream's side: request body in, writability ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || requestSent || ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        bytesUp += buf.readableBytes();
        originStream.writeAndFlush(new DefaultHttp2DataFrame(buf, false));
        if (originStream.isWritable()) {
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
                originStream.writeAndFlush(new DefaultHttp2DataFrame(true));
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
        if (ctx.channel().isWritable() && responseStarted && !responseDone && !ended) {
            originStream.read();
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

    // ---- the origin's side ----

    private void response(Http2HeadersFrame frame) {
        if (!responseStarted) {
            Http2Headers h = frame.headers();
            CharSequence code = h.status();
            status = code == null ? 0 : Integer.parseInt(code.toString());
            if (status >= 100 && status < 200) {
                // 100 Continue and other interim answers: the edge sends the body regardless.
                return;
            }
            responseStarted = true;
            stream.write(new DefaultHttp2HeadersFrame(Http2OriginHeaders.response(h), false));
            if (frame.isEndStream()) {
                responseDone = true;
                lastWrite = stream.write(EndOfStream.INSTANCE);
            }
        } else {
            responseDone = true;
            lastWrite = stream.write(new DefaultHttp2HeadersFrame(Http2OriginHeaders.trailers(frame.headers()), true));
        }
    }

    private void data(Http2DataFrame frame) {
        ByteBuf content = frame.content();
        if (content.isReadable()) {
            bytesDown += content.readableBytes();
            stream.write(content.retain());
        }
        if (frame.isEndStream()) {
            responseDone = true;
            lastWrite = stream.write(EndOfStream.INSTANCE);
        }
    }

    /** Ends the exchange once the response is complete; an unfinished upload is cut off at the origin. */
    private void finishIfComplete() {
        if (!responseDone || ended) {
            return;
        }
        end(requestSent ? "completed" : "completed before the request body ended");
        if (!requestSent) {
            closeOrigin();
        }
        // Closing the stream before its last frame leaves would reset it and lose the frame.
        lastWrite.addListener((ChannelFutureListener) f -> {
            if (!requestSent) {
                stream.close();
            }
        });
    }

    /** The origin stream's failure before or during the response: {@code what} names it for the user. */
    private void originFailed(String what) {
        if (ended) {
            return;
        }
        if (!responseStarted) {
            refuse(new OriginFailure(
                    StreamError.ORIGIN_BAD_RESPONSE,
                    "The origin " + origin + " " + what + " before answering; check its logs."));
        } else if (!responseDone) {
            end("origin " + what + " mid-response");
            stream.close();
        }
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
        if (originStream != null) {
            // Closing an HTTP/2 stream that has not ended resets it (CANCEL); the connection stays.
            originStream.close();
        }
    }

    private void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        if (log.isDebugEnabled()) {
            log.debug(
                    "web stream={} app={} identity={} method={} path={} origin={} protocol=h2 status={} bytes_up={} bytes_down={} ms={} end=\"{}\"",
                    request.streamId(),
                    request.hostname(),
                    request.verified().displayName(),
                    request.method(),
                    request.path(),
                    origin,
                    status,
                    bytesUp,
                    bytesDown,
                    (System.nanoTime() - startNanos) / 1_000_000,
                    reason);
        }
        done.complete(null);
    }

    /** The last handler of the origin stream's pipeline: the response in, the origin's writability. */
    private final class OriginSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (ended) {
                    return;
                }
                if (msg instanceof Http2HeadersFrame h) {
                    response(h);
                } else if (msg instanceof Http2DataFrame d) {
                    data(d);
                }
                if (responseDone) {
                    // Before the flush: once both ends have ended, the flush closes the stream at once.
                    finishIfComplete();
                    stream.flush();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!ended) {
                stream.flush();
                if (stream.isWritable()) {
                    ctx.read();
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame r) {
                // Resets come as events, not reads: they are not flow-controlled, so reads off must not hold them.
                originFailed("reset its HTTP/2 stream (RST_STREAM " + errorName(r.errorCode()) + ")");
            } else if (evt instanceof Http2GoAwayFrame g) {
                // The origin's GOAWAY left this stream out; the close that follows says so.
                goAway = "sent GOAWAY (" + errorName(g.errorCode()) + ")";
                g.release();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !requestSent && !ended) {
                stream.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!responseDone) {
                originFailed(goAway != null ? goAway : "closed its HTTP/2 stream");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            originFailed("failed on HTTP/2 (" + cause.getMessage() + ")");
            ctx.close();
        }
    }

    private static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e == null ? "error " + code : e.name();
    }
}
