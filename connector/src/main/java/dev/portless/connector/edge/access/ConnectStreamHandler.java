package dev.portless.connector.edge.access;

import dev.portless.common.relay.Http2StreamAdapter;
import dev.portless.common.relay.StreamHandover;
import dev.portless.common.wire.StreamError;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of one stream on a multiplexed client connection: the client's
 * {@code CONNECT app-hostname:port} with its credentials goes through the same admission as a
 * WebSocket upgrade; {@code 200} then makes the stream a byte stream relayed to the connector,
 * anything else answers with the status and the JSON error body and ends the stream.
 */
final class ConnectStreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectStreamHandler.class);

    private final StreamAdmission admission;
    private boolean requested;

    ConnectStreamHandler(StreamAdmission admission) {
        this.admission = admission;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (requested || !(msg instanceof Http2HeadersFrame frame)) {
            // Bytes before the answer: the client must wait for 200. Drop them and end the stream.
            ReferenceCountUtil.release(msg);
            if (!requested) {
                ctx.close();
            }
            return;
        }
        requested = true;
        ctx.channel().config().setAutoRead(false);
        Http2Headers request = frame.headers();
        if (!HttpMethod.CONNECT.asciiName().contentEquals(request.method())
                || request.authority() == null
                || request.path() != null
                || request.scheme() != null
                || frame.isEndStream()) {
            answer(
                    ctx,
                    400,
                    StreamError.BAD_REQUEST.code(),
                    "A stream request must be CONNECT app-hostname:port.",
                    Map.of());
            return;
        }
        String host = StreamAdmission.hostOnly(request.authority().toString());
        InetAddress client = clientAddress(ctx.channel());
        admission
                .admit(host, http1Headers(request), client, ctx.channel().eventLoop())
                .thenAccept(outcome -> {
                    if (outcome instanceof StreamAdmission.Admitted admitted) {
                        relay(ctx, admitted);
                    } else {
                        StreamAdmission.Refused refused = (StreamAdmission.Refused) outcome;
                        answer(
                                ctx,
                                refused.error().httpStatus(),
                                refused.error().code(),
                                refused.message(),
                                refused.extra());
                    }
                })
                .exceptionally(failure -> {
                    log.warn("CONNECT {} from {} failed: {}", host, client.getHostAddress(), failure.toString());
                    ctx.close();
                    return null;
                });
    }

    private void relay(ChannelHandlerContext ctx, StreamAdmission.Admitted admitted) {
        Channel stream = ctx.channel();
        if (!stream.isActive()) {
            admitted.opened().channel().close();
            return;
        }
        StreamHandover.replaceHandshake(ctx, new Http2StreamAdapter());
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        admission.relay(stream, admitted.opened(), admitted.record());
    }

    private static void answer(
            ChannelHandlerContext ctx, int status, String code, String message, Map<String, String> extra) {
        Http2Headers headers = new DefaultHttp2Headers()
                .status(Integer.toString(status))
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        ctx.write(new DefaultHttp2HeadersFrame(headers, false));
        String body = dev.portless.common.wire.ErrorBody.json(code, message, extra);
        ctx.writeAndFlush(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(ctx.alloc(), body), true))
                .addListener(f -> ctx.close());
    }

    /** Returns the request's regular headers as HTTP/1.1 headers, which the authenticators read. */
    private static HttpHeaders http1Headers(Http2Headers request) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<CharSequence, CharSequence> h : request) {
            if (h.getKey().length() > 0 && h.getKey().charAt(0) != ':') {
                headers.add(h.getKey(), h.getValue());
            }
        }
        return headers;
    }

    private static InetAddress clientAddress(Channel stream) {
        Channel connection = stream instanceof Http2StreamChannel child ? child.parent() : stream;
        return connection.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Stream on client connection {} failed before its answer: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
