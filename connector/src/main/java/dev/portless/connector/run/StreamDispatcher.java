package dev.portless.connector.run;

import dev.portless.common.relay.Http2StreamAdapter;
import dev.portless.common.relay.StreamHandover;
import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.tunnel.StreamRefusal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;

/**
 * The first handler of every stream the edge opens: it reads the request headers and hands
 * the stream to the registration responder, to the target dialer (TCP streams) or to the web
 * streams ({@code portless-kind: http} or {@code websocket}, whatever their path).
 */
final class StreamDispatcher extends ChannelInboundHandlerAdapter {
    private final Supplier<RegistrationResponder> registration;
    private final StreamRoutes routes;

    StreamDispatcher(Supplier<RegistrationResponder> registration, StreamRoutes routes) {
        this.registration = registration;
        this.routes = routes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame frame)) {
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        CharSequence path = frame.headers().path();
        // A web request's path is the browser's, which may be anything: its kind decides first.
        CharSequence kind = frame.headers().get(TunnelProtocol.KIND);
        if (kind != null) {
            boolean websocket = TunnelProtocol.KIND_WEBSOCKET.contentEquals(kind);
            if (!websocket && !TunnelProtocol.KIND_HTTP.contentEquals(kind)) {
                StreamRefusal.refuse(
                        ctx.channel(),
                        StreamError.BAD_REQUEST,
                        "The connector does not know streams of kind \"" + kind + "\"; update the connector.");
                return;
            }
            StreamHandover.replaceHandshake(ctx, new Http2StreamAdapter());
            routes.web().serve(ctx.channel(), frame.headers(), !frame.isEndStream(), websocket);
        } else if (path != null && TunnelProtocol.REGISTER_PATH.contentEquals(path)) {
            RegistrationResponder responder = registration.get();
            ctx.pipeline().replace(this, "register", responder);
            responder.answer(ctx.pipeline().context(responder));
        } else if (path != null && TunnelProtocol.STREAM_PATH.contentEquals(path)) {
            StreamHandover.replaceHandshake(ctx, new Http2StreamAdapter());
            routes.tcp().dial(ctx.channel(), frame.headers());
        } else {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("404"), true));
        }
    }
}
