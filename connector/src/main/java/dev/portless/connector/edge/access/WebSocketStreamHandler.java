package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.StreamHandover;
import dev.portless.common.relay.WebSocketStreamAdapter;
import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.ErrorBody;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.tunnel.OpenedStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.util.Map;
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

    /** The one WebSocket version there is (RFC 6455); Netty's older drafts are not spoken here. */
    private static final String WEBSOCKET_VERSION = "13";

    /** The name Netty's handshaker gives the frame decoder it adds. */
    private static final String WEBSOCKET_DECODER = "wsdecoder";

    private final StreamAdmission admission;

    WebSocketStreamHandler(StreamAdmission admission) {
        this.admission = requireNonNull(admission, "admission");
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, InetAddress client) {
        // Checked before any stream is opened: a handshake the edge cannot complete costs a connector nothing.
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!WEBSOCKET_VERSION.equals(version == null ? null : version.trim())) {
            request.release();
            unsupportedVersion(ctx);
            return;
        }
        String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null
                || key.isBlank()
                || request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY).size() > 1) {
            request.release();
            HttpErrors.send(
                    ctx,
                    400,
                    StreamError.BAD_REQUEST.code(),
                    "A WebSocket upgrade needs exactly one Sec-WebSocket-Key header; fix the client.");
            return;
        }
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

    /** Answers 426 naming the one version the edge speaks (RFC 6455 4.4). */
    private static void unsupportedVersion(ChannelHandlerContext ctx) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.UPGRADE_REQUIRED,
                ByteBufUtil.writeUtf8(
                        ctx.alloc(),
                        ErrorBody.json(
                                "upgrade_required",
                                "The edge speaks WebSocket version " + WEBSOCKET_VERSION + " only; update the client.",
                                Map.of())));
        response.headers()
                .set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WEBSOCKET_VERSION)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Returns the tunnel stream request of kind {@code websocket} for the browser's {@code request}. */
    private static Http2Headers streamRequest(StreamAdmission.Ticket ticket, FullHttpRequest request) {
        Http2Headers headers = WebStreamRequest.of(
                ticket, request.method().name(), request.uri(), request.headers(), TunnelProtocol.KIND_WEBSOCKET);
        // The aggregator's content-length 0 would bound the stream's bytes, which are the WebSocket's.
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        return TcpStreamRequest.withResume(
                TcpStreamRequest.withJumpDestination(headers, request.headers()), request.headers());
    }

    /** Returns whether the connector's answer on {@code opened} carries {@code portless-upgraded: value}. */
    private static boolean upgraded(OpenedStream opened, String value) {
        CharSequence upgraded = opened.answer().get(TunnelProtocol.UPGRADED);
        return upgraded != null && value.contentEquals(upgraded);
    }

    /** Returns the strict decoder settings for a client's frames, shared with the frame fuzz test. */
    static WebSocketDecoderConfig clientFrameDecoder() {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(WebSocketStreamAdapter.MAX_CLIENT_FRAME)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false) // WebSocketViolationClose answers instead
                .build();
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, OpenedStream opened, StreamRecord record) {
        if (!ctx.channel().isActive()) {
            request.release();
            opened.channel().close();
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                        "wss://" + record.app() + "/", ResumeProtocol.SUBPROTOCOL, clientFrameDecoder())
                .newHandshaker(request);
        if (handshaker == null) {
            request.release();
            opened.channel().close();
            unsupportedVersion(ctx);
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
            ctx.pipeline().addAfter(WEBSOCKET_DECODER, "ws-violations", new WebSocketViolationClose());
            ctx.pipeline().remove(ctx.handler());
            OriginUpgrade.removeIfPresent(ctx.pipeline(), "dispatch", "head-bytes");
            admission.relay(ctx.channel(), opened, record);
        });
    }
}
