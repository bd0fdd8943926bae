package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of the HTTP/1.1 requests {@link ClientRequestDispatcher} sends through the aggregator,
 * whole: a WebSocket upgrade is a stream for {@code access} or cloudflared; any other request is one
 * of the edge's own pages (sign-in, identity, OAuth, JWKS).
 */
final class AggregatedRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AggregatedRequestHandler.class);

    private final ClientRequestHandler streams;
    private final ClientRequestHandler pages;

    /** Returns a handler that passes WebSocket upgrades to {@code streams} and the rest to {@code pages}. */
    AggregatedRequestHandler(ClientRequestHandler streams, ClientRequestHandler pages) {
        super(false);
        this.streams = requireNonNull(streams, "streams");
        this.pages = requireNonNull(pages, "pages");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            dispatch(ctx, request);
        } catch (RuntimeException e) {
            request.release();
            throw e;
        }
    }

    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request) {
        // From here on the chosen handler decides when to read: nothing the client sends early is buffered.
        ctx.channel().config().setAutoRead(false);
        if (!request.decoderResult().isSuccess()) {
            request.release();
            HttpErrors.text(ctx, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request.");
            return;
        }
        if (isUpgrade(request)) {
            streams.handle(ctx, request, clientAddress(ctx));
            return;
        }
        pages.handle(ctx, request, clientAddress(ctx));
    }

    static boolean isUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private static InetAddress clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug(
                "Client connection {} failed before the upgrade: {}",
                ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
