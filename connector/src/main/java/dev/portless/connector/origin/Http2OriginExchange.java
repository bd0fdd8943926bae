package dev.portless.connector.origin;

import dev.portless.common.wire.StreamError;
import dev.portless.connector.ingress.OriginService;
import dev.portless.connector.origin.h2.H2Pool;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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

/**
 * One web request proxied to an HTTP/2 origin: the request and its body go out on a stream of a pooled
 * HTTP/2 connection, the response, its body and trailers come back. The tunnel stream's side is
 * {@link TunnelStreamExchange}'s; {@link OriginSide} is the last handler of the origin stream's pipeline.
 * Both streams share one event loop, where all its state lives.
 */
final class Http2OriginExchange extends TunnelStreamExchange implements H2Pool.Opening {
    private final Http2Headers originRequest;
    /** Sends the request over HTTP/1.1 on the given TLS connection, or a new one when it is null. */
    private final Function<Channel, CompletableFuture<Void>> http1;

    // The origin stream of the request's latest attempt.
    private Http2StreamChannel originStream;

    Http2OriginExchange(
            Channel stream,
            WebRequest request,
            Http2Headers originRequest,
            OriginService origin,
            Function<Channel, CompletableFuture<Void>> http1) {
        super(stream, request, origin, "h2");
        this.originRequest = originRequest;
        this.http1 = http1;
    }

    // ---- what the pool gives ----

    @Override
    public void opened(Http2StreamChannel s) {
        if (ended) {
            s.close();
            return;
        }
        originStream = s;
        OriginSide side = new OriginSide(s);
        s.pipeline().addLast("exchange", side);
        joinStream();
        if (!request.hasBody()) {
            requestSent = true;
        }
        s.writeAndFlush(new DefaultHttp2HeadersFrame(originRequest, !request.hasBody()))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        // The stream never left (the connection went first): the origin cannot have seen it.
                        side.unprocessed =
                                "could not take the stream (" + f.cause().getMessage() + ")";
                    }
                });
        if (request.hasBody()) {
            // Nothing on a first attempt; the body kept for it on a retry.
            resendBody();
        }
        s.read();
        readBody();
    }

    @Override
    public void notHttp2(Channel connection) {
        if (ended || originStream != null) {
            if (!ended) {
                refuse(new OriginFailure(
                        StreamError.ORIGIN_BAD_RESPONSE,
                        "The origin " + origin + " stopped offering HTTP/2 while a request was sent again; "
                                + "check its HTTP/2 support, or remove http2-origin."));
            }
            if (connection != null) {
                connection.close();
            }
            return;
        }
        ended = true;
        http1.apply(connection).whenComplete((v, t) -> done().complete(null));
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

    // ---- the origin's side ----

    @Override
    boolean sendBody(ByteBuf piece) {
        originStream.writeAndFlush(new DefaultHttp2DataFrame(piece, false));
        return originStream.isWritable();
    }

    @Override
    void endBody() {
        originStream.writeAndFlush(new DefaultHttp2DataFrame(true));
    }

    @Override
    void readAnswer() {
        originStream.read();
    }

    @Override
    void closeOrigin() {
        if (originStream != null) {
            // Closing an HTTP/2 stream that has not ended resets it (CANCEL); the connection stays.
            originStream.close();
        }
    }

    @Override
    void answered() {
        if (!requestSent) {
            closeOrigin();
        }
    }

    private void response(Http2HeadersFrame frame) {
        if (responseStarted) {
            answerEnd(Http2OriginHeaders.trailers(frame.headers()));
            return;
        }
        Http2Headers h = frame.headers();
        CharSequence code = h.status();
        int answered = code == null ? 0 : Integer.parseInt(code.toString());
        if (answered >= 100 && answered < 200) {
            // 100 Continue and other interim answers: the edge sends the body regardless.
            return;
        }
        answerHead(answered, Http2OriginHeaders.response(h));
        if (frame.isEndStream()) {
            answerEnd(null);
        }
    }

    private void data(Http2DataFrame frame) {
        answerBody(frame.content());
        if (frame.isEndStream()) {
            answerEnd(null);
        }
    }

    /** The origin stream's failure before or during the response: {@code what} names it for the user. */
    private void originStreamFailed(String what) {
        String sent = tries() == 1 ? "" : ", " + tries() + " tries in all";
        originFailed(
                "The origin " + origin + " " + what + " before answering" + sent + "; check its logs.",
                "origin " + what + " mid-response");
    }

    /**
     * The last handler of the origin stream's pipeline: the response in, the origin's writability. What
     * the stream of an attempt the request has moved on from reports is dropped.
     */
    private final class OriginSide extends ChannelInboundHandlerAdapter {
        private final Http2StreamChannel own;
        // Why the origin has not processed the request, once it said so (GOAWAY leaving the stream out).
        private String unprocessed;
        // The request went again from this stream: what it reports now (its close) is no longer the request's.
        private boolean left;

        OriginSide(Http2StreamChannel own) {
            this.own = own;
        }

        private boolean current() {
            return !left && own == originStream && !ended;
        }

        /** Sends the request again on a new connection, if it may still go; returns whether it did. */
        private boolean retry(String why) {
            left = true;
            left = retryUnprocessed(why);
            return left;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!current()) {
                    return;
                }
                if (msg instanceof Http2HeadersFrame h) {
                    response(h);
                } else if (msg instanceof Http2DataFrame d) {
                    data(d);
                }
                if (responseDone) {
                    flushAnswer();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (current()) {
                flushAnswer();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame r) {
                // Resets come as events, not reads: they are not flow-controlled, so reads off must not hold them.
                String what = "reset its HTTP/2 stream (RST_STREAM " + errorName(r.errorCode()) + ")";
                boolean refused = r.errorCode() == Http2Error.REFUSED_STREAM.code();
                if (current() && !(refused && retry(what))) {
                    originStreamFailed(what);
                }
            } else if (evt instanceof Http2GoAwayFrame g) {
                // The origin's GOAWAY left this stream out, unprocessed; the close that follows acts on it.
                unprocessed = "sent GOAWAY (" + errorName(g.errorCode()) + ") leaving the stream out";
                g.release();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && current()) {
                originWritableAgain();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!current() || responseDone || (unprocessed != null && retry(unprocessed))) {
                return;
            }
            originStreamFailed(unprocessed != null ? unprocessed : "closed its HTTP/2 stream");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (current()) {
                originStreamFailed("failed on HTTP/2 (" + cause.getMessage() + ")");
            }
            ctx.close();
        }
    }

    private static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e == null ? "error " + code : e.name();
    }
}
