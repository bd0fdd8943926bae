package dev.portless.connector.run;

import dev.portless.common.relay.Http2StreamAdapter;
import dev.portless.common.relay.StreamHandover;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Supplier;

/**
 * The first handler of every stream the edge opens: it reads the request headers and hands
 * the stream to the registration responder or to the target dialer.
 */
final class StreamDispatcher extends ChannelInboundHandlerAdapter {
    private final Supplier<RegistrationResponder> registration;
    private final TargetDialer dialer;

    StreamDispatcher(Supplier<RegistrationResponder> registration, TargetDialer dialer) {
        this.registration = registration;
        this.dialer = dialer;
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
        if (path != null && TunnelProtocol.REGISTER_PATH.contentEquals(path)) {
            RegistrationResponder responder = registration.get();
            ctx.pipeline().replace(this, "register", responder);
            responder.answer(ctx.pipeline().context(responder));
        } else if (path != null && TunnelProtocol.STREAM_PATH.contentEquals(path)) {
            StreamHandover.replaceHandshake(ctx, new Http2StreamAdapter());
            dialer.dial(ctx.channel(), frame.headers());
        } else {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("404"), true));
        }
    }
}
