package dev.portless.connector.edge.access;

import dev.portless.common.relay.StreamHandover;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.WebSocketStreamAdapter;
import dev.portless.connector.edge.tunnel.OpenedStream;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns the handler of a client's upgrade request: it finds the app by Host, checks the
 * credentials, asks a connector of the app's tunnel to dial the target, and only then completes
 * the WebSocket handshake, so every failure reaches the client as a plain HTTP error. Any other
 * request (sign-in pages, OAuth, JWKS) goes to the edge's web endpoints, one at a time per
 * connection.
 */
final class StreamUpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(StreamUpgradeHandler.class);

    private final StreamServices shared;
    private final StreamAdmission admission;

    StreamUpgradeHandler(StreamServices shared, StreamAdmission admission) {
        super(false);
        this.shared = shared;
        this.admission = admission;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            handle(ctx, request);
        } catch (RuntimeException e) {
            request.release();
            throw e;
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        // From here on the relay decides when to read: nothing the client sends early is buffered.
        ctx.channel().config().setAutoRead(false);
        if (!request.decoderResult().isSuccess()) {
            request.release();
            HttpErrors.text(ctx, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request.");
            return;
        }
        if (!isUpgrade(request)) {
            serveWeb(ctx, request);
            return;
        }
        String host = hostOnly(request.headers().get(HttpHeaderNames.HOST));
        admission.admit(host, request.headers(), clientInet(ctx), ctx.channel().eventLoop()).thenAccept(outcome -> {
            if (outcome instanceof StreamAdmission.Admitted admitted) {
                upgrade(ctx, request, admitted.opened(), admitted.record());
            } else {
                StreamAdmission.Refused refused = (StreamAdmission.Refused) outcome;
                request.release();
                HttpErrors.send(ctx, refused.error().httpStatus(), refused.error().code(), refused.message(),
                        refused.extra());
            }
        }).exceptionally(failure -> {
            log.warn("Upgrade for {} from {} failed: {}", host, ctx.channel().remoteAddress(), failure.toString());
            ctx.close();
            return null;
        });
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, OpenedStream opened,
                         StreamAdmission.StreamRecord record) {
        if (!ctx.channel().isActive()) {
            request.release();
            opened.channel().close();
            return;
        }
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(WebSocketStreamAdapter.MAX_CLIENT_FRAME)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "wss://" + record.app() + "/", null, decoder).newHandshaker(request);
        if (handshaker == null) {
            request.release();
            opened.channel().close();
            HttpErrors.send(ctx, 426, "upgrade_required", "Unsupported WebSocket version; update the client.");
            return;
        }
        ctx.pipeline().remove("request-timeout");
        StreamHandover.addBehind(ctx, new WebSocketStreamAdapter());
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) f -> {
            request.release();
            if (!f.isSuccess()) {
                opened.channel().close();
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
            RelayPair pair = RelayPair.join(ctx.channel(), "client", opened.channel(), "target");
            pair.done().thenAccept(result -> StreamAdmission.logEnd(record, opened.target(), result.bytesFromFirst(),
                    result.bytesFromSecond(), result.durationMillis(), result.endReason()));
        });
    }

    private void serveWeb(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        WebRequest web;
        try {
            web = WebExchange.request(request, clientInet(ctx));
        } finally {
            request.release();
        }
        shared.web().handle(web).whenComplete((response, failure) -> ctx.executor().execute(() -> {
            WebResponse answer = response;
            if (failure != null) {
                log.warn("{} {} from {} failed: {}", web.method(), web.path(), web.client().getHostAddress(),
                        failure.toString());
                answer = WebResponse.text(500, "The edge failed to answer this request; try again.");
            }
            if (!ctx.channel().isActive()) {
                return;
            }
            ctx.writeAndFlush(WebExchange.response(answer, keepAlive, head, ctx.alloc()))
                    .addListener((ChannelFutureListener) f -> {
                        if (keepAlive && f.isSuccess()) {
                            ctx.read();
                        } else {
                            ctx.close();
                        }
                    });
        }));
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        h = colon < 0 ? h : h.substring(0, colon);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static InetAddress clientInet(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Client connection {} failed before the upgrade: {}", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
