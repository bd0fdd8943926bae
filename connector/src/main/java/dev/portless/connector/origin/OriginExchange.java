package dev.portless.connector.origin;

import dev.portless.common.relay.RelayPair;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.ingress.OriginService;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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

/**
 * One web request proxied to its origin over HTTP/1.1: the request and its body go out on one origin
 * connection, the response and its body come back, and the connection returns to the pool only after a
 * complete response that keeps it alive. The tunnel stream's side is {@link TunnelStreamExchange}'s.
 *
 * <p>It is the listener of the origin connection; what the connection reports on another loop (a
 * unix-socket origin's) is handed over to the stream's loop.
 */
final class OriginExchange extends TunnelStreamExchange implements OriginConnection.Listener {
    private final HttpRequest originRequest;

    // The rest is touched from the stream's event loop only.
    private OriginConnection connection;
    // Whether the connection waited in the pool: only such a one may have been closed under the request.
    private boolean reused;
    private boolean keepAlive;

    OriginExchange(Channel stream, WebRequest request, HttpRequest originRequest, OriginService origin) {
        super(stream, request, origin, "http/1.1");
        this.originRequest = originRequest;
    }

    /** Sends the request on {@code c}, a connection dialed for it; runs on the stream's loop. */
    void attach(OriginConnection c) {
        attach(c, false);
    }

    private void attach(OriginConnection c, boolean fromPool) {
        if (ended) {
            c.pool().release(c);
            return;
        }
        connection = c;
        reused = fromPool;
        c.listener(this);
        if (request.websocket() && stream.pipeline().context(this) == null) {
            // The stream stays a byte stream in waiting: its hold keeps early bytes for the relay.
            stream.pipeline().addBefore("hold", "exchange", this);
        } else {
            joinStream();
        }
        Channel o = c.channel();
        o.write(originRequest);
        if (!request.hasBody() || request.websocket()) {
            o.write(LastHttpContent.EMPTY_LAST_CONTENT);
            requestSent = true;
        } else {
            // Nothing on a first attempt; the body kept for it on a retry.
            resendBody();
        }
        o.flush();
        o.read();
        readBody();
    }

    /**
     * Sends the request on {@code c}, a connection that waited in the pool; when the origin turns out to
     * have closed it before any byte of a response, {@code redial} sends the request once more on a new
     * connection, with the body kept up to {@code maxBodyBytes}. A new connection closed the same way is
     * the origin's failure, not a race with its keep-alive, so the request goes twice at most whatever
     * {@code maxTries} allows. Only for requests that {@link StaleConnectionRetry#allows} to go twice.
     */
    void attachPooled(OriginConnection c, Runnable redial, int maxBodyBytes, int maxTries) {
        allowRetry(redial, maxBodyBytes, maxTries);
        attach(c, true);
    }

    /** Answers the error of a failed dial; runs on the stream's loop. */
    void failed(OriginFailure failure) {
        refuse(failure);
    }

    // ---- the origin's side ----

    @Override
    boolean sendBody(ByteBuf piece) {
        Channel o = connection.channel();
        o.writeAndFlush(new DefaultHttpContent(piece));
        return o.isWritable();
    }

    @Override
    void endBody() {
        connection.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Override
    void readAnswer() {
        connection.channel().read();
    }

    @Override
    void closeOrigin() {
        if (connection != null) {
            connection.listener(null);
            connection.channel().close();
        }
    }

    @Override
    void answered() {
        if (requestSent && keepAlive) {
            OriginConnection c = connection;
            c.pool().release(c);
        } else {
            closeOrigin();
        }
    }

    // ---- what the origin connection reports, handed to the stream's loop ----

    @Override
    public boolean upgrading() {
        return request.websocket();
    }

    @Override
    public void fromOrigin(HttpObject msg) {
        onStreamLoop(() -> {
            noRetry();
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
                if (r == null) {
                    endRelay("relay failed", 0, 0);
                } else {
                    endRelay("upgraded, " + r.endReason(), r.bytesFromFirst(), r.bytesFromSecond());
                }
            });
        });
    }

    @Override
    public void originReadComplete() {
        onStreamLoop(() -> {
            if (responseStarted && !responseDone && !ended) {
                flushAnswer();
            }
        });
    }

    @Override
    public void originWritable() {
        onStreamLoop(this::originWritableAgain);
    }

    @Override
    public void originGone(Throwable cause) {
        onStreamLoop(() -> {
            if (ended) {
                return;
            }
            // The origin closed the kept connection as the request arrived (its keep-alive timeout
            // crossing our reuse); it has answered nothing, so the request may go again, once.
            if (reused && retryUnprocessed("closed the pooled connection before any byte of an answer")) {
                connection.listener(null);
                connection = null;
                return;
            }
            originFailed(
                    cause == null
                            ? "The origin " + origin + " closed the connection without answering; check its logs."
                            : "The origin " + origin + " failed before answering (" + cause.getMessage() + ").",
                    "origin closed mid-response" + (cause == null ? "" : ": " + cause.getMessage()));
        });
    }

    private void response(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            Throwable cause = msg.decoderResult().cause();
            originFailed(
                    "The origin " + origin + " answered something that is not HTTP (" + cause.getMessage()
                            + "); check that the rule's scheme and port are the web app's.",
                    "origin sent a malformed response: " + cause.getMessage());
            return;
        }
        if (msg instanceof HttpResponse r) {
            int code = r.status().code();
            if (code < 200) {
                // 100 Continue and other interim answers: the edge sends the body regardless.
                connection.channel().read();
                return;
            }
            keepAlive = HttpUtil.isKeepAlive(r) && !request.websocket() && !OriginHeaders.closes(originRequest);
            Http2Headers answer = OriginHeaders.toTunnel(r);
            if (request.websocket()) {
                // Without the mark the edge could not tell an origin's 200 from a TCP rule's.
                answer.set(TunnelProtocol.UPGRADED, TunnelProtocol.UPGRADED_NO);
            }
            answerHead(code, answer);
        }
        if (msg instanceof HttpContent c) {
            answerBody(c.content());
            if (msg instanceof LastHttpContent last) {
                answerEnd(last.trailingHeaders().isEmpty() ? null : OriginHeaders.trailers(last.trailingHeaders()));
            }
        }
        // The head and the first body bytes of an answer usually come in one read of the origin: they leave
        // together when that read ends (originReadComplete), one TLS record on the tunnel instead of two.
        if (responseDone) {
            flushAnswer();
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
