package dev.portless.connector.edge.access;

import dev.portless.common.wire.ErrorBody;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.Map;

/**
 * Plain HTTP answers the edge gives before any upgrade: errors as JSON, then close.
 */
final class HttpErrors {
    /** How long a client refused under a limit waits before it tries again: the limits count per second. */
    static final String RETRY_AFTER_SECONDS = "1";

    private HttpErrors() {}

    static void send(ChannelHandlerContext ctx, int status, String code, String message) {
        send(ctx, status, code, message, Map.of());
    }

    static void send(ChannelHandlerContext ctx, int status, String code, String message, Map<String, String> extra) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status),
                ByteBufUtil.writeUtf8(ctx.alloc(), ErrorBody.json(code, message, extra)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == 429 || status == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Answers a request refused under a limit with {@code status}, a {@code Retry-After} and
     * {@code sentence}, then closes the connection (also when the request came on an {@code h2} stream).
     */
    static void retryLater(ChannelHandlerContext ctx, HttpResponseStatus status, String sentence) {
        FullHttpResponse response = textResponse(ctx, status, sentence);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        Channel connection = ctx.channel() instanceof Http2StreamChannel stream ? stream.parent() : ctx.channel();
        ctx.writeAndFlush(response).addListener(f -> connection.close());
    }

    static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        ctx.writeAndFlush(textResponse(ctx, status, body)).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse textResponse(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, ByteBufUtil.writeUtf8(ctx.alloc(), body + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
