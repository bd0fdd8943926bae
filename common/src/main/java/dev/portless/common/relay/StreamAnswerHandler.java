package dev.portless.common.relay;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The handler that waits for the peer's answer to a stream request (a WebSocket upgrade, an HTTP/2
 * {@code CONNECT}, a tunnel stream request) and then hands the channel over to the relay, or fails
 * the stream with the sentence for whoever asked.
 *
 * <p>The skeleton is shared: one timeout, one outcome (the first of success, refusal, timeout,
 * closed channel or exception wins), the channel closed on failure and left with reads off on
 * success. How an answer is read and what a failure says is the subclass's: it reads in
 * {@link #channelRead} and calls {@link #handOver} or {@link #fail}.
 *
 * @param <T> what the future carries on success: the stream channel, or a description of it
 */
public abstract class StreamAnswerHandler<T> extends ChannelInboundHandlerAdapter {
    private final Duration timeout;
    private final CompletableFuture<T> result;
    // Touched from this channel's event loop only.
    private ScheduledFuture<?> timer;

    /** Creates a handler that waits up to {@code timeout} and completes {@code result}. */
    protected StreamAnswerHandler(Duration timeout, CompletableFuture<T> result) {
        this.timeout = requireNonNull(timeout, "timeout");
        this.result = requireNonNull(result, "result");
    }

    /** Starts the wait as soon as the handler is in place; override to start it later. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        startWaiting(ctx);
    }

    /** Starts the timeout: when it runs out before an outcome, the stream fails with {@link #timedOut()}. */
    protected final void startWaiting(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> fail(ctx, timedOut()), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns the timeout this handler waits. */
    protected final Duration timeout() {
        return timeout;
    }

    /** Stops the timeout: an answer has arrived, and what it says is being read. */
    protected final void answered() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * Puts {@code adapter} where this handler is (with a hold for early bytes, see
     * {@link StreamHandover#replaceHandshake}) and completes the stream with {@code value}.
     */
    protected final void handOver(ChannelHandlerContext ctx, ChannelHandler adapter, T value) {
        answered();
        ctx.channel().config().setAutoRead(false);
        StreamHandover.replaceHandshake(ctx, adapter);
        result.complete(value);
    }

    /**
     * Completes the stream with {@code value}, reads off for the relay; for a subclass that put its
     * adapter in place itself (see {@link StreamHandover#addBehind}) and left the pipeline first, so
     * that whoever the future wakes finds the pipeline as the relay needs it.
     */
    protected final void succeed(ChannelHandlerContext ctx, T value) {
        answered();
        ctx.channel().config().setAutoRead(false);
        result.complete(value);
    }

    /** Fails the stream with {@code failure} and closes the channel, unless an outcome came first. */
    protected final void fail(ChannelHandlerContext ctx, Throwable failure) {
        answered();
        if (result.completeExceptionally(failure)) {
            ctx.close();
        }
    }

    /** Returns the failure when the peer did not answer within the timeout. */
    protected abstract Throwable timedOut();

    /** Returns the failure when the channel closed before an outcome. */
    protected abstract Throwable closedEarly();

    /** Returns the failure for an exception on the channel before an outcome. */
    protected abstract Throwable failed(Throwable cause);

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, closedEarly());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, failed(cause));
    }
}
