package dev.portless.common.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers one admin request at a time on a connection: health, readiness, metrics or a command. */
final class AdminRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminRequestHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String BEARER = "Bearer ";

    private final AdminEndpoints endpoints;

    AdminRequestHandler(AdminEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, TEXT, bytes("malformed request\n"), false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        Optional<AdminEndpoints.SecretCommand> command = endpoints.command(path);
        if (command.isPresent()) {
            runCommand(ctx, request, command.get(), keepAlive);
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!HttpMethod.GET.equals(request.method()) && !head) {
            send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, bytes("use GET\n"), keepAlive);
            return;
        }
        switch (path) {
            case "/healthz" -> send(ctx, HttpResponseStatus.OK, TEXT, bytes("ok\n"), keepAlive);
            case "/ready" -> {
                Optional<String> why = endpoints.readiness().notReadyBecause();
                send(
                        ctx,
                        why.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        TEXT,
                        bytes(why.map(w -> "not ready: " + w + "\n").orElse("ready\n")),
                        keepAlive);
            }
            case "/metrics" ->
                endpoints
                        .scrape()
                        .whenComplete((body, failure) -> ctx.executor().execute(() -> {
                            if (failure != null) {
                                log.warn("Collecting metrics failed: {}", failure.toString());
                                send(
                                        ctx,
                                        HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                        TEXT,
                                        bytes("collecting metrics failed; see the program's log\n"),
                                        keepAlive);
                            } else {
                                send(
                                        ctx,
                                        HttpResponseStatus.OK,
                                        endpoints.contentType(),
                                        head ? new byte[0] : body,
                                        keepAlive);
                            }
                        }));
            default ->
                send(ctx, HttpResponseStatus.NOT_FOUND, TEXT, bytes("try /healthz, /ready or /metrics\n"), keepAlive);
        }
    }

    /**
     * Runs a command for a POST from this host that carries the secret; anything else is refused before the
     * command sees it.
     */
    private void runCommand(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            AdminEndpoints.SecretCommand command,
            boolean keepAlive) {
        if (!HttpMethod.POST.equals(request.method())) {
            send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, JSON, error("use POST"), keepAlive);
            return;
        }
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress peer)
                || !peer.getAddress().isLoopbackAddress()) {
            send(ctx, HttpResponseStatus.FORBIDDEN, JSON, error("admin commands are taken from this host only"), false);
            return;
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String presented = authorization != null && authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()).strip()
                : null;
        if (!command.accepts(presented)) {
            log.warn("Admin command {} refused: wrong or missing admin secret", request.uri());
            send(
                    ctx,
                    HttpResponseStatus.UNAUTHORIZED,
                    JSON,
                    error("wrong or missing admin secret; pass the file the program's --admin-secret-file names"),
                    false);
            return;
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        endpoints
                .run(command.command(), body)
                .whenComplete((answer, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        log.warn("Admin command {} failed: {}", request.uri(), failure.toString());
                        send(
                                ctx,
                                HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                JSON,
                                error("the command failed; see the program's log"),
                                keepAlive);
                    } else {
                        send(ctx, HttpResponseStatus.valueOf(answer.status()), JSON, bytes(answer.json()), keepAlive);
                    }
                }));
    }

    private static byte[] error(String sentence) {
        // The sentences are fixed text: nothing in them needs JSON escaping.
        return bytes("{\"error\":\"" + sentence + "\"}\n");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(
            ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body, boolean keepAlive) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Admin connection failed: {}", cause.toString());
        ctx.close();
    }
}
