package dev.portless.connector.edge.access;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides what an HTTP/1.1 request on a client connection is, and hands it to
 * that kind's handler: a WebSocket upgrade is a stream for {@code access} or cloudflared; any other
 * request is one of the edge's own pages (sign-in, identity, OAuth, JWKS). A request the codec
 * could not parse gets 400. Streams on a {@code portless-h2} connection never come here: ALPN sends
 * them to {@link ConnectStreamHandler}.
 */
final class ClientRequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ClientRequestDispatcher.class);

    private final ClientRequestHandler streams;
    private final ClientRequestHandler pages;

    /** Returns a dispatcher to {@code streams} for WebSocket upgrades and {@code pages} for the rest. */
    ClientRequestDispatcher(ClientRequestHandler streams, ClientRequestHandler pages) {
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
        // Web apps plug in here: a request whose Host is a web app's hostname will go to the web-app
        // handler before this line; everything else is one of the edge's own pages.
        pages.handle(ctx, request, clientAddress(ctx));
    }

    private static boolean isUpgrade(FullHttpRequest request) {
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
