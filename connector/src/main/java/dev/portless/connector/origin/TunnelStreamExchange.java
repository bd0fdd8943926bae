package dev.portless.connector.origin;

import dev.portless.common.relay.EndOfStream;
import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamError;
import dev.portless.connector.ingress.OriginService;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel stream's side of one web request proxied to its origin, the same whatever the origin speaks:
 * the request body pumped to the origin while it can take more, the answer written back while the stream
 * can take more, the edge's aborts, the refusals, the end of the exchange and its log line. A subclass is
 * the origin's side: how a body piece, the body's end and a read reach the origin, and what becomes of
 * the origin connection once the answer is complete.
 *
 * <p>A request the origin never processed (an HTTP/2 origin's GOAWAY that leaves its stream out or its
 * REFUSED_STREAM; a pooled HTTP/1.1 connection closed before any byte of an answer) may go again, each
 * time on a new connection, up to a number of tries in all ({@link #allowRetry}); for that the body sent
 * so far is kept, up to a limit past which the request can no longer go again.
 *
 * <p>It is the last handler of the stream's pipeline (behind {@code Http2StreamAdapter}); its state lives
 * on the stream's event loop.
 */
abstract class TunnelStreamExchange extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TunnelStreamExchange.class);

    final Channel stream;
    final WebRequest request;
    final OriginService origin;
    private final String protocol;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();

    // The rest is touched from the stream's event loop only.
    /** The request's end has been passed to the origin (at once for a request without a body). */
    boolean requestSent;

    boolean responseStarted;
    boolean responseDone;
    boolean ended;
    int status;
    private ChannelFuture lastWrite;
    private long bytesUp;
    private long bytesDown;
    // Set while the request may go again on a new origin connection; with it the body sent so far.
    private Runnable retry;
    private int tries = 1;
    private int maxTries;
    private List<ByteBuf> kept;
    private int keptBytes;
    private int maxKeptBytes;
    // Between a retry's start and its new origin side: body pieces are kept, not sent.
    private boolean retrying;

    /** {@code protocol} names what the origin speaks, for the log line. */
    TunnelStreamExchange(Channel stream, WebRequest request, OriginService origin, String protocol) {
        this.stream = stream;
        this.request = request;
        this.origin = origin;
        this.protocol = protocol;
        stream.closeFuture().addListener(f -> streamClosed());
    }

    /** Returns a future completed when the exchange (or the WebSocket it became) has ended. */
    final CompletableFuture<Void> done() {
        return done;
    }

    // ---- the origin's side, which the subclass is ----

    /** Sends {@code piece} of the request body to the origin; returns whether the origin can take more now. */
    abstract boolean sendBody(ByteBuf piece);

    /** Ends the request body at the origin. */
    abstract void endBody();

    /** Asks the origin for more of the answer. */
    abstract void readAnswer();

    /** Gives up the origin side of the exchange (closes its connection or resets its stream). */
    abstract void closeOrigin();

    /** The answer is complete and the exchange has ended: the origin side is kept for another request or closed. */
    abstract void answered();

    // ---- the stream's side: request body in, writability ----

    /** Puts the exchange at the end of the stream's pipeline and lets the bytes held there through. */
    final void joinStream() {
        if (stream.pipeline().context(this) != null) {
            return;
        }
        stream.pipeline().addLast("exchange", this);
        InboundHold hold = stream.pipeline().get(InboundHold.class);
        if (hold != null) {
            hold.release();
        }
    }

    /** Asks the stream for the request body when it has one still to come; after the head went out. */
    final void readBody() {
        if (!requestSent) {
            stream.read();
        }
    }

    // ---- sending the request again ----

    /**
     * Lets the request go again, by {@code again} (which sends it on a new connection), each time the
     * origin turns out not to have processed it, up to {@code maxTries} times in all; up to
     * {@code maxBodyBytes} of the body are kept for that, and a longer body ends the chance.
     */
    final void allowRetry(Runnable again, int maxBodyBytes, int maxTries) {
        retry = again;
        this.maxTries = maxTries;
        kept = new ArrayList<>();
        maxKeptBytes = maxBodyBytes;
    }

    /**
     * Sends the request again if it may still go ({@link #allowRetry}, tries left, no answer yet, its body
     * all kept); {@code why} is for the log. Returns whether it did; the subclass has let its origin side go.
     */
    final boolean retryUnprocessed(String why) {
        if (ended || responseStarted || retry == null || kept == null) {
            return false;
        }
        if (tries >= maxTries) {
            log.debug(
                    "web stream={}: the origin {} {} on try {} of {}",
                    request.streamId(),
                    origin,
                    why,
                    tries,
                    maxTries);
            return false;
        }
        tries++;
        retrying = true;
        log.debug(
                "web stream={}: the origin {} {}; sending the request again (try {} of {})",
                request.streamId(),
                origin,
                why,
                tries,
                maxTries);
        retry.run();
        return true;
    }

    /** Returns how many times the request has been sent (or is being sent) to the origin. */
    final int tries() {
        return tries;
    }

    /** Writes the kept body to a new origin side, and its end when it came; after the request's head. */
    final void resendBody() {
        retrying = false;
        if (kept != null) {
            for (ByteBuf piece : kept) {
                sendBody(piece.retainedDuplicate());
            }
        }
        if (requestSent && request.hasBody()) {
            endBody();
        }
    }

    /** Ends the chance of a retry: the origin has answered (an interim answer too), or the exchange is over. */
    final void noRetry() {
        retry = null;
        if (kept != null) {
            kept.forEach(ByteBuf::release);
            kept = null;
        }
    }

    /** Keeps {@code piece} for a retry while the kept body stays within its limit (always during one). */
    private void keep(ByteBuf piece) {
        if (kept == null) {
            return;
        }
        keptBytes += piece.readableBytes();
        if (keptBytes > maxKeptBytes && !retrying) {
            noRetry();
        } else {
            kept.add(piece.retainedDuplicate());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || requestSent || ended) {
            ReferenceCountUtil.release(msg);
            return;
        }
        bytesUp += buf.readableBytes();
        keep(buf);
        if (retrying) {
            // The new origin side sends it with the rest of what was kept, then asks for more.
            buf.release();
        } else if (sendBody(buf)) {
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
                if (!retrying) {
                    endBody();
                }
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
            readAnswer();
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

    /** The origin can take more of the request body. */
    final void originWritableAgain() {
        if (!requestSent && !ended && !retrying) {
            stream.read();
        }
    }

    // ---- the answer, written to the stream ----

    /** Writes the answer's head, status {@code code}, to the stream. */
    final void answerHead(int code, Http2Headers headers) {
        noRetry();
        status = code;
        responseStarted = true;
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
    }

    /** Writes a piece of the answer's body to the stream; the caller keeps its reference. */
    final void answerBody(ByteBuf content) {
        if (content.isReadable()) {
            bytesDown += content.readableBytes();
            stream.write(content.retain());
        }
    }

    /** Writes the answer's end to the stream, with {@code trailers} when there are some (else null). */
    final void answerEnd(Http2Headers trailers) {
        responseDone = true;
        lastWrite = trailers == null
                ? stream.write(EndOfStream.INSTANCE)
                : stream.write(new DefaultHttp2HeadersFrame(trailers, true));
    }

    /** Flushes what was written of the answer, and asks the origin for more while the stream can take it. */
    final void flushAnswer() {
        if (responseDone) {
            // Before the flush: once both ends have ended, the flush closes the stream at once.
            finishIfComplete();
            stream.flush();
        } else {
            stream.flush();
            if (stream.isWritable()) {
                readAnswer();
            }
        }
    }

    /** Ends the exchange once the answer is complete; an unfinished upload is cut off at the origin. */
    private void finishIfComplete() {
        if (!responseDone || ended) {
            return;
        }
        end(requestSent ? "completed" : "completed before the request body ended");
        answered();
        // Closing the stream before its last frame leaves would reset it and lose the frame.
        lastWrite.addListener((ChannelFutureListener) f -> {
            if (!requestSent) {
                stream.close();
            }
        });
    }

    // ---- failures and the end ----

    /**
     * The origin failed: before an answer the stream is refused with {@code beforeAnswer}, the sentence for
     * the user; during one the stream is cut, and {@code midAnswer} is the log's reason.
     */
    final void originFailed(String beforeAnswer, String midAnswer) {
        if (ended) {
            return;
        }
        if (!responseStarted) {
            refuse(new OriginFailure(StreamError.ORIGIN_BAD_RESPONSE, beforeAnswer));
        } else if (!responseDone) {
            end(midAnswer);
            closeOrigin();
            stream.close();
        }
    }

    /** Refuses the stream with {@code failure}'s code and sentence. */
    final void refuse(OriginFailure failure) {
        end(failure.error().code());
        closeOrigin();
        status = failure.error().httpStatus();
        if (stream.isActive()) {
            StreamRefusal.refuse(stream, failure.error(), failure.getMessage());
        }
    }

    /** Ends the exchange with {@code reason} in its log line; later calls do nothing. */
    final void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        noRetry();
        logLine(reason, bytesUp, bytesDown);
        done.complete(null);
    }

    /** Ends the exchange that became a byte relay (a WebSocket), once the relay has ended. */
    final void endRelay(String reason, long up, long down) {
        logLine(reason, up, down);
        done.complete(null);
    }

    private void logLine(String reason, long up, long down) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "web stream={} app={} identity={} method={} path={} origin={} protocol={} status={} bytes_up={} bytes_down={} ms={} end=\"{}\"",
                    request.streamId(),
                    request.hostname(),
                    request.verified().displayName(),
                    request.method(),
                    request.path(),
                    origin,
                    protocol,
                    status,
                    up,
                    down,
                    (System.nanoTime() - startNanos) / 1_000_000,
                    reason);
        }
    }
}
