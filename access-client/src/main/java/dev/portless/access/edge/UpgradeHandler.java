package dev.portless.access.edge;

import dev.portless.common.relay.StreamHandover;
import dev.portless.common.relay.WebSocketStreamAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Returns the handler that sends the upgrade request once TLS is up and turns the edge's answer
 * into a ready stream or into the sentence for the user.
 */
final class UpgradeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final WebSocketClientHandshaker handshaker;
    private final EdgeEndpoint edge;
    private final String hostname;
    private final Duration answerTimeout;
    private final CompletableFuture<io.netty.channel.Channel> result;
    private ScheduledFuture<?> timeout;

    UpgradeHandler(WebSocketClientHandshaker handshaker, EdgeEndpoint edge, String hostname, Duration answerTimeout,
                   CompletableFuture<io.netty.channel.Channel> result) {
        this.handshaker = handshaker;
        this.edge = edge;
        this.hostname = hostname;
        this.answerTimeout = answerTimeout;
        this.result = result;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                handshaker.handshake(ctx.channel());
                timeout = ctx.executor().schedule(() -> fail(ctx, "The edge at " + edge + " did not answer for "
                        + hostname + " within " + answerTimeout.toSeconds() + " s; try again or check the edge's logs."),
                        answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                fail(ctx, EdgeFailures.tls(done.cause(), edge));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            // Frames the edge sent right behind the 101 are decoded during finishHandshake: park them.
            StreamHandover.addBehind(ctx, new WebSocketStreamAdapter(WebSocketStreamAdapter.MAX_CLIENT_FRAME));
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (RuntimeException e) {
                fail(ctx, "The edge at " + edge + " answered with a broken WebSocket handshake: " + e.getMessage());
                return;
            }
            ctx.channel().config().setAutoRead(false);
            ctx.pipeline().remove(this);
            result.complete(ctx.channel());
            return;
        }
        String body = response.content().toString(StandardCharsets.UTF_8);
        fail(ctx, new AccessException(EdgeErrors.sentence(response.status().code(), body, hostname, edge),
                EdgeErrors.code(body)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, EdgeFailures.connection(cause, edge));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, "The edge at " + edge + " closed the connection before answering for " + hostname + ".");
    }

    private void fail(ChannelHandlerContext ctx, String sentence) {
        fail(ctx, new AccessException(sentence));
    }

    private void fail(ChannelHandlerContext ctx, AccessException failure) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (result.completeExceptionally(failure)) {
            ctx.close();
        }
    }
}
