package dev.portless.connector.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.StreamError;
import dev.portless.common.wire.TunnelProtocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;

/**
 * The connector's answer to a tunnel stream it cannot serve: the error's status with {@code portless-error}
 * and {@code portless-message}, END_STREAM, and the stream closed.
 */
public final class StreamRefusal {
    private StreamRefusal() {}

    /** Answers {@code stream} with {@code error} and the sentence {@code message}, then closes it. */
    public static ChannelFuture refuse(Channel stream, StreamError error, String message) {
        requireNonNull(stream, "stream");
        requireNonNull(error, "error");
        requireNonNull(message, "message");
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.status(Integer.toString(error.httpStatus()))
                .set(TunnelProtocol.ERROR, error.code())
                .set(TunnelProtocol.MESSAGE, message);
        return stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
