package dev.portless.connector.edge.access;

import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.WebSocketStreamAdapter;
import dev.portless.common.wire.AccessHeaders;
import dev.portless.common.wire.ErrorBody;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.tunnel.ConnectorConnection;
import dev.portless.connector.edge.tunnel.OpenedStream;
import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.tunnel.StreamOpenException;
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
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
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
    /** Largest frame a client may send; larger ones are closed with 1009 before they are read. */
    static final int MAX_CLIENT_FRAME = 64 * 1024;

    private final StreamServices shared;

    StreamUpgradeHandler(StreamServices shared) {
        super(false);
        this.shared = shared;
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
        Optional<AppRoute> app = shared.apps().apply(host);
        if (app.isEmpty()) {
            refuse(ctx, request, StreamError.UNKNOWN_APP, "Portless has no app at " + host + "; check --hostname.");
            return;
        }
        Decision decision = shared.authenticator().authenticate(request.headers(), app.get(), clientInet(ctx));
        if (!decision.allowed()) {
            refuse(ctx, request, decision.error(), decision.message());
            return;
        }
        Optional<ConnectorConnection> connection =
                shared.registry().pick(app.get().tunnel(), ctx.channel().eventLoop());
        if (connection.isEmpty()) {
            refuse(ctx, request, StreamError.NO_CONNECTOR, "No connector is online for " + host + " (tunnel "
                    + app.get().tunnel() + "); start `connector run` for that tunnel or check its logs.");
            return;
        }
        Identity who = decision.identity().orElseThrow();
        String identity = who.email().orElse(who.subject());
        long streamId = shared.streamIds().incrementAndGet();
        Http2Headers streamRequest = new DefaultHttp2Headers()
                .method("POST").scheme("https").authority(host).path(TunnelProtocol.STREAM_PATH)
                .set(TunnelProtocol.IDENTITY, identity)
                .set(TunnelProtocol.CLIENT_ADDRESS, clientAddress(ctx))
                .set(TunnelProtocol.STREAM_ID, Long.toString(streamId))
                .set(TunnelProtocol.APP_TOKEN, decision.appToken());
        String jump = jumpDestination(request);
        if (jump != null) {
            streamRequest.set(TunnelProtocol.JUMP_DESTINATION, jump);
        }
        StreamRecord record = new StreamRecord(streamId, identity, host, clientAddress(ctx));
        shared.opener().open(connection.get(), streamRequest).whenComplete((opened, failure) ->
                ctx.executor().execute(() -> {
                    if (failure != null) {
                        StreamOpenException e = unwrap(failure);
                        log.info("stream={} identity={} app={} client={} refused: {} ({})", streamId,
                                identity, host, record.client(), e.error().code(), e.getMessage());
                        refuse(ctx, request, e.error(), e.getMessage());
                    } else {
                        upgrade(ctx, request, opened, record);
                    }
                }));
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, OpenedStream opened, StreamRecord record) {
        if (!ctx.channel().isActive()) {
            request.release();
            opened.channel().close();
            return;
        }
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(MAX_CLIENT_FRAME)
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
        ctx.pipeline().addAfter(ctx.name(), "hold", new InboundHold());
        ctx.pipeline().addAfter(ctx.name(), "stream", new WebSocketStreamAdapter());
        handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) f -> {
            request.release();
            if (!f.isSuccess()) {
                opened.channel().close();
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
            RelayPair pair = RelayPair.join(ctx.channel(), "client", opened.channel(), "target");
            pair.done().thenAccept(result -> log.info(
                    "stream={} identity={} app={} client={} target={} bytes_up={} bytes_down={} duration_ms={} end=\"{}\"",
                    record.id(), record.identity(), record.app(), record.client(), opened.target(),
                    result.bytesFromFirst(), result.bytesFromSecond(), result.durationMillis(), result.endReason()));
        });
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, StreamError error, String message) {
        request.release();
        Map<String, String> extra = new LinkedHashMap<>();
        if (error.httpStatus() == 401) {
            // Where the client signs in: the CLI discovers the rest from <issuer>/.well-known/...
            extra.put(ErrorBody.ISSUER, shared.issuer().toString());
            extra.put(ErrorBody.LOGIN_URL, shared.issuer() + "/oauth/authorize");
        }
        HttpErrors.send(ctx, error.httpStatus(), error.code(), message, extra);
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

    private static StreamOpenException unwrap(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof StreamOpenException e ? e
                : new StreamOpenException(StreamError.INTERNAL, "The edge could not open the stream: " + t.getMessage());
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private static String jumpDestination(FullHttpRequest request) {
        String v = request.headers().get(AccessHeaders.JUMP_DESTINATION);
        return v != null ? v : request.headers().get(AccessHeaders.CF_JUMP_DESTINATION);
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

    private static String clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Client connection {} failed before the upgrade: {}", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    private record StreamRecord(long id, String identity, String app, String client) {
    }
}
