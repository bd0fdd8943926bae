package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.StreamHandover;
import dev.portless.common.relay.WebSocketStreamAdapter;
import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.tunnel.OpenedStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a client's WebSocket upgrade request: it finds the app by Host, checks the
 * credentials and sends the upgrade to a connector of the app's tunnel as a stream of kind
 * {@code websocket}; every failure reaches the client as a plain HTTP error. For a TCP app the
 * connector dials the target and the edge completes the WebSocket handshake itself: the stream's
 * bytes travel in binary messages. For a web app whose origin took the upgrade
 * ({@code portless-upgraded}) the edge answers the origin's {@code 101} and relays raw bytes, the
 * origin's frames unchanged both ways; an origin's refusal ({@code portless-upgraded: no}) reaches
 * the browser as that origin's response.
 */
final class WebSocketStreamHandler implements ClientRequestHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketStreamHandler.class);

    private final StreamAdmission admission;

    WebSocketStreamHandler(StreamAdmission admission) {
        this.admission = requireNonNull(admission, "admission");
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, InetAddress client) {
        String host = StreamAdmission.hostOnly(request.headers().get(HttpHeaderNames.HOST));
        admission
                .admit(
                        host,
                        request.headers(),
                        client,
                        ctx.channel().eventLoop(),
                        ticket -> streamRequest(ticket, request))
                .thenAccept(outcome -> {
                    if (outcome instanceof StreamAdmission.Admitted admitted
                            && upgraded(admitted.opened(), TunnelProtocol.KIND_WEBSOCKET)) {
                        request.release();
                        OriginUpgrade.relay(admission, ctx, admitted.opened(), admitted.record());
                    } else if (outcome instanceof StreamAdmission.Admitted admitted
                            && upgraded(admitted.opened(), TunnelProtocol.UPGRADED_NO)) {
                        request.release();
                        OriginUpgrade.refused(admission, ctx, admitted.opened(), admitted.record());
                    } else if (outcome instanceof StreamAdmission.Admitted admitted) {
                        upgrade(ctx, request, admitted.opened(), admitted.record());
                    } else {
                        StreamAdmission.Refused refused = (StreamAdmission.Refused) outcome;
                        request.release();
                        HttpErrors.send(
                                ctx,
                                refused.error().httpStatus(),
                                refused.error().code(),
                                refused.message(),
                                refused.extra());
                    }
                })
                .exceptionally(failure -> {
                    log.warn(
                            "Upgrade for {} from {} failed: {}",
                            host,
                            ctx.channel().remoteAddress(),
                            failure.toString());
                    ctx.close();
                    return null;
                });
    }

    /** Returns the tunnel stream request of kind {@code websocket} for the browser's {@code request}. */
    private static Http2Headers streamRequest(StreamAdmission.Ticket ticket, FullHttpRequest request) {
        Http2Headers headers = WebStreamRequest.of(
                ticket, request.method().name(), request.uri(), request.headers(), TunnelProtocol.KIND_WEBSOCKET);
        // The aggregator's content-length 0 would bound the stream's bytes, which are the WebSocket's.
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        return StreamAdmission.withResume(
                StreamAdmission.withJumpDestination(headers, request.headers()), request.headers());
    }

    /** Returns whether the connector's answer on {@code opened} carries {@code portless-upgraded: value}. */
    private static boolean upgraded(OpenedStream opened, String value) {
        CharSequence upgraded = opened.answer().get(TunnelProtocol.UPGRADED);
        return upgraded != null && value.contentEquals(upgraded);
    }

    private void upgrade(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            OpenedStream opened,
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
                        "wss://" + record.app() + "/", ResumeProtocol.SUBPROTOCOL, decoder)
                .newHandshaker(request);
        if (handshaker == null) {
            request.release();
            opened.channel().close();
            HttpErrors.send(ctx, 426, "upgrade_required", "Unsupported WebSocket version; update the client.");
            return;
        }
        OriginUpgrade.removeIfPresent(ctx.pipeline(), "request-timeout");
        StreamHandover.addBehind(ctx, new WebSocketStreamAdapter());
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) f -> {
            request.release();
            if (!f.isSuccess()) {
                opened.channel().close();
                ctx.close();
                return;
            }
            // The connection is a stream now: no more requests to dispatch.
            ctx.pipeline().remove(ctx.handler());
            OriginUpgrade.removeIfPresent(ctx.pipeline(), "dispatch", "head-bytes");
            admission.relay(ctx.channel(), opened, record);
        });
    }
}
