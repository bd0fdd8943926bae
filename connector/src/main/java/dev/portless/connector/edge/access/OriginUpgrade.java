package dev.portless.connector.edge.access;

import dev.portless.common.relay.SocketStreamAdapter;
import dev.portless.common.relay.StreamHandover;
import dev.portless.connector.edge.tunnel.OpenedStream;
import dev.portless.connector.edge.web.ProxiedHeaders;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.List;

/**
 * The browser's side of a WebSocket upgrade that a web app's origin accepted: the origin's
 * {@code 101 Switching Protocols} (with its accept key, subprotocol and extensions), then the HTTP
 * handlers leave the client connection and its raw bytes are relayed to the tunnel stream, so the
 * origin's frames pass unchanged both ways, and an end the edge gives the stream reaches the browser as
 * a Close frame ({@link OriginWebSocketClose}); or, when the origin refused the upgrade, that origin's
 * own response, passed on as it is.
 */
final class OriginUpgrade {
    /** The origin's answer headers the browser needs to accept the upgrade. */
    private static final List<String> ORIGIN_ANSWER = List.of(
            HttpHeaderNames.SEC_WEBSOCKET_ACCEPT.toString(),
            HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL.toString(),
            HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS.toString());
    /** The client connection's HTTP/1.1 handlers, which end with the upgrade. */
    private static final String[] HTTP_HANDLERS = {"request-timeout", "dispatch", "aggregator", "http", "head-bytes"};

    private OriginUpgrade() {}

    /**
     * Answers the browser on {@code ctx} (the request handler's context) the {@code 101} of the
     * origin behind {@code opened} and relays the connection's bytes to it; logs the stream's line
     * at its end.
     */
    static void relay(StreamAdmission admission, ChannelHandlerContext ctx, OpenedStream opened, StreamRecord record) {
        FullHttpResponse switching =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching
                .headers()
                .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        for (String name : ORIGIN_ANSWER) {
            for (CharSequence value : opened.answer().getAll(name)) {
                switching.headers().add(name, value);
            }
        }
        relayBehind(admission, ctx, switching, opened, record, true);
    }

    /**
     * Answers the browser on {@code ctx} the response of the origin behind {@code opened} that refused
     * the upgrade ({@code portless-upgraded: no}): its status and headers, then its body as the stream
     * carries it, and the connection closes at its end.
     */
    static void refused(
            StreamAdmission admission, ChannelHandlerContext ctx, OpenedStream opened, StreamRecord record) {
        Http2Headers answer = opened.answer();
        HttpResponse head =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.parseLine(answer.status()));
        ProxiedHeaders.response(answer, head.headers());
        // The body runs to the end of the stream: without a length, the close is what ends it.
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        relayBehind(admission, ctx, head, opened, record, false);
    }

    /**
     * Writes {@code head} on the browser's connection, then relays its raw bytes to {@code opened}; an end the
     * edge gives the stream is a WebSocket Close frame when {@code webSocket}.
     */
    private static void relayBehind(
            StreamAdmission admission,
            ChannelHandlerContext ctx,
            HttpResponse head,
            OpenedStream opened,
            StreamRecord record,
            boolean webSocket) {
        if (!ctx.channel().isActive()) {
            opened.channel().close();
            return;
        }
        ctx.writeAndFlush(head).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                opened.channel().close();
                ctx.close();
                return;
            }
            // The stream adapter and its hold go in first: bytes the HTTP decoder still holds reach the hold.
            ChannelPipeline pipeline = ctx.pipeline();
            StreamHandover.replaceHandshake(ctx, new SocketStreamAdapter());
            if (webSocket) {
                pipeline.addAfter("stream", "origin-websocket-close", new OriginWebSocketClose());
            }
            removeIfPresent(pipeline, HTTP_HANDLERS);
            admission.relay(ctx.channel(), opened, record);
        });
    }

    /** Removes the handlers named {@code names} that {@code pipeline} holds. */
    static void removeIfPresent(ChannelPipeline pipeline, String... names) {
        for (String name : names) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
    }
}
