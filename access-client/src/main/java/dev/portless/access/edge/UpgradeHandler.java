package dev.portless.access.edge;

import dev.portless.common.relay.StreamAnswerHandler;
import dev.portless.common.relay.StreamHandover;
import dev.portless.common.relay.WebSocketStreamAdapter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The handler that sends the upgrade request once TLS is up and turns the edge's answer
 * into a ready stream or into the sentence for the user.
 */
final class UpgradeHandler extends StreamAnswerHandler<Channel> {
    private final WebSocketClientHandshaker handshaker;
    private final EdgeEndpoint edge;
    private final String hostname;

    UpgradeHandler(
            WebSocketClientHandshaker handshaker,
            EdgeEndpoint edge,
            String hostname,
            Duration answerTimeout,
            CompletableFuture<Channel> result) {
        super(answerTimeout, result);
        this.handshaker = handshaker;
        this.edge = edge;
        this.hostname = hostname;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // The wait for the answer starts when the request goes out, once TLS is up.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                handshaker.handshake(ctx.channel());
                startWaiting(ctx);
            } else {
                fail(ctx, new AccessException(EdgeFailures.tls(done.cause(), edge)));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpResponse response)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            readAnswer(ctx, response);
        } finally {
            ReferenceCountUtil.release(response);
        }
    }

    private void readAnswer(ChannelHandlerContext ctx, FullHttpResponse response) {
        answered();
        if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            // Frames the edge sent right behind the 101 are decoded during finishHandshake: park them.
            StreamHandover.addBehind(ctx, new WebSocketStreamAdapter(WebSocketStreamAdapter.MAX_CLIENT_FRAME));
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (RuntimeException e) {
                fail(
                        ctx,
                        new AccessException("The edge at " + edge + " answered with a broken WebSocket handshake: "
                                + e.getMessage()));
                return;
            }
            ctx.pipeline().remove(this);
            succeed(ctx, ctx.channel());
            return;
        }
        String body = response.content().toString(StandardCharsets.UTF_8);
        fail(
                ctx,
                new AccessException(
                        EdgeErrors.sentence(response.status().code(), body, hostname, edge), EdgeErrors.code(body)));
    }

    @Override
    protected Throwable timedOut() {
        return new AccessException(EdgeFailures.noAnswer(edge, hostname, timeout()));
    }

    @Override
    protected Throwable closedEarly() {
        return AccessException.brokeBeforeAnswer(
                "The edge at " + edge + " closed the connection before answering for " + hostname + ".");
    }

    @Override
    protected Throwable failed(Throwable cause) {
        return EdgeFailures.brokenConnection(cause, edge);
    }
}
