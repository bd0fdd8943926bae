package dev.portless.common.relay;

import dev.portless.common.wire.CloseCodes;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;

/**
 * An HTTP/2 stream (a child channel of {@code Http2MultiplexHandler}) seen as a stream of
 * bytes: DATA carries bytes, END_STREAM is {@link EndOfStream}, and an abort is trailers with the
 * close code and reason (then RST_STREAM, when the relay closes the stream).
 *
 * <p>Install it after the request/response headers have been exchanged.
 */
public final class Http2StreamAdapter extends ChannelDuplexHandler {
    private static final int MAX_REASON = 240;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            ByteBuf content = data.content();
            boolean end = data.isEndStream();
            if (content.isReadable()) {
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
            if (end) {
                ctx.fireUserEventTriggered(EndOfStream.INSTANCE);
            }
        } else if (msg instanceof Http2HeadersFrame headers) {
            // Trailers: the other end's abort with its reason, or (from other peers) just the end.
            CharSequence code = headers.headers().get(TunnelProtocol.CLOSE_CODE);
            if (code != null) {
                CharSequence reason = headers.headers().get(TunnelProtocol.CLOSE_REASON);
                ctx.fireUserEventTriggered(new StreamAbort(
                        closeCode(code), reason == null ? "the other end ended the stream" : reason.toString()));
            } else if (headers.isEndStream()) {
                ctx.fireUserEventTriggered(EndOfStream.INSTANCE);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private static int closeCode(CharSequence code) {
        try {
            return Integer.parseInt(code.toString());
        } catch (NumberFormatException e) {
            return CloseCodes.STREAM_RESET;
        }
    }

    private static String oneLine(String reason) {
        StringBuilder b = new StringBuilder(Math.min(reason.length(), MAX_REASON));
        for (int i = 0; i < reason.length() && b.length() < MAX_REASON; i++) {
            char c = reason.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }

    // Set once END_STREAM has been written; touched from this stream's event loop only.
    private ChannelFuture endOfStreamWritten;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf && endOfStreamWritten != null) {
            // A DATA frame behind END_STREAM would be merged into it while flow control holds it back,
            // and Netty keeps the later frame's flag: the peer would never see END_STREAM. An empty
            // buffer (the relay's flush-then-close) completes once END_STREAM is out.
            boolean empty = !buf.isReadable();
            buf.release();
            if (empty) {
                if (!promise.isVoid()) {
                    endOfStreamWritten.addListener(new PromiseNotifier<>(promise));
                }
            } else {
                promise.setFailure(new IllegalStateException("bytes written after the end of the stream"));
            }
        } else if (msg instanceof ByteBuf buf) {
            ctx.write(new DefaultHttp2DataFrame(buf, false), promise);
        } else if (msg instanceof EndOfStream) {
            ChannelPromise written = promise.unvoid();
            endOfStreamWritten = written;
            ctx.write(new DefaultHttp2DataFrame(true), written);
        } else if (msg instanceof StreamAbort abort) {
            if (endOfStreamWritten == null) {
                // RST_STREAM carries a code only: the reason goes first, in trailers. The close that
                // follows an abort resets the stream.
                Http2Headers trailers = new DefaultHttp2Headers()
                        .setInt(TunnelProtocol.CLOSE_CODE, abort.closeCode())
                        .set(TunnelProtocol.CLOSE_REASON, oneLine(abort.reason()));
                ChannelPromise written = promise.unvoid();
                endOfStreamWritten = written;
                ctx.write(new DefaultHttp2HeadersFrame(trailers, true), written);
            } else {
                ctx.write(new DefaultHttp2ResetFrame(Http2Error.CANCEL), promise);
            }
        } else {
            ctx.write(msg, promise);
        }
    }
}
