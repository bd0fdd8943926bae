package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamHandover;
import dev.portless.common.relay.WebSocketStreamAdapter;
import dev.portless.connector.edge.tunnel.OpenedStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a client's WebSocket upgrade request: it finds the app by Host, checks the
 * credentials, asks a connector of the app's tunnel to dial the target, and only then completes
 * the WebSocket handshake, so every failure reaches the client as a plain HTTP error. After the
 * handshake the connection is a byte stream relayed to the connector.
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
                .admit(host, request.headers(), client, ctx.channel().eventLoop())
                .thenAccept(outcome -> {
                    if (outcome instanceof StreamAdmission.Admitted admitted) {
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

    private static void upgrade(
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
                        "wss://" + record.app() + "/", null, decoder)
                .newHandshaker(request);
        if (handshaker == null) {
            request.release();
            opened.channel().close();
            HttpErrors.send(ctx, 426, "upgrade_required", "Unsupported WebSocket version; update the client.");
            return;
        }
        if (ctx.pipeline().get("request-timeout") != null) {
            ctx.pipeline().remove("request-timeout");
        }
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
            for (String http : new String[] {"dispatch", "head-bytes"}) {
                if (ctx.pipeline().get(http) != null) {
                    ctx.pipeline().remove(http);
                }
            }
            RelayPair pair = RelayPair.join(ctx.channel(), "client", opened.channel(), "target");
            pair.done()
                    .thenAccept(result -> StreamAdmission.logEnd(
                            record,
                            opened.target(),
                            result.bytesFromFirst(),
                            result.bytesFromSecond(),
                            result.durationMillis(),
                            result.endReason()));
        });
    }
}
