package dev.portless.connector.edge.access;

import dev.portless.connector.edge.config.EdgeLimits;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * The {@code h2} connection a browser negotiates with the client listener: each stream is one
 * request, decided by the same {@link ClientRequestDispatcher} as on HTTP/1.1 behind a codec that
 * turns the stream's frames into HTTP objects and back, so a web-app request streams its body both
 * ways under the stream's HTTP/2 flow control and the edge's pages answer as ever. A header list
 * over the limit is answered {@code 431} ({@link HeaderListLimit}); the SETTINGS leave out
 * {@code SETTINGS_ENABLE_CONNECT_PROTOCOL}: browsers then open WebSockets over HTTP/1.1.
 */
final class BrowserHttp2 {
    /** A stream's receive window: a browser's upload is read as fast as the tunnel takes it, this far ahead. */
    static final int STREAM_WINDOW = 1 << 20;
    /** Requests one browser connection may have open at once (browsers open a handful). */
    static final int MAX_CONCURRENT_STREAMS = 128;
    /**
     * The connection's receive window: uploads on several streams share it; it bounds what one
     * connection's unread frames may hold.
     */
    static final int CONNECTION_WINDOW = 4 * STREAM_WINDOW;

    /**
     * How far past the limit a header list is still read so that it can be answered {@code 431}; a
     * larger one ends the connection, as reading it would cost the edge more than the answer is worth.
     */
    static final int HEADER_LIST_READ_FACTOR = 8;

    private BrowserHttp2() {}

    /** Returns the connection's frame codec, whose header list is bounded by {@code limits}. */
    static Http2FrameCodec serverCodec(EdgeLimits limits) {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(new Http2Settings()
                        .initialWindowSize(STREAM_WINDOW)
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        // Netty's decoder gives up on the connection (GOAWAY, no answer) a quarter past
                        // its bound: it reads this far, and HeaderListLimit answers 431 past the limit.
                        .maxHeaderListSize((long) HEADER_LIST_READ_FACTOR * limits.maxRequestHeaderBytes()))
                // Cookies and tokens travel in headers: never into HPACK's dynamic table.
                .headerSensitivityDetector((name, value) -> true)
                .gracefulShutdownTimeoutMillis(5_000)
                .build();
    }

    /** Returns the initializer of each stream: the codec and the handlers of an HTTP/1.1 connection. */
    static ChannelInitializer<Http2StreamChannel> streams(
            StreamAdmission admission, ClientRequestHandler streams, ClientRequestHandler pages, EdgeLimits limits) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline()
                        .addLast("malformed", new MalformedStreamReset())
                        .addLast("header-list", new HeaderListLimit(limits.maxRequestHeaderBytes()))
                        .addLast("http", new Http2StreamFrameToHttpObjectCodec(true))
                        .addLast("extensions", new ExtensionHeadersRemoval())
                        // One request per stream: there is no next head whose raw bytes need a check.
                        .addLast("dispatch", new ClientRequestDispatcher(admission, limits, () -> {}))
                        .addLast("aggregator", new HttpObjectAggregator(limits.maxRequestBytes()))
                        .addLast("requests", new AggregatedRequestHandler(streams, pages));
            }
        };
    }

    /**
     * The answer to a stream the codec found malformed (a body longer or shorter than its
     * content-length, for one): RST_STREAM with the codec's error, PROTOCOL_ERROR as RFC 9113 8.1.1
     * asks, rather than the CANCEL of a plain close. The reset closes the stream, which ends its
     * request at the edge and its tunnel stream.
     */
    private static final class MalformedStreamReset extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The multiplexer hands the stream the codec's Http2Exception, then closes the stream.
            if (cause instanceof Http2Exception e) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error())).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }
    }

    /**
     * The answer {@code 431} to a request whose header list (RFC 9113 6.5.2: names, values and 32
     * bytes per field) exceeds the limit, before the head is turned into an HTTP request.
     */
    private static final class HeaderListLimit extends ChannelInboundHandlerAdapter {
        private final int limit;

        HeaderListLimit(int limit) {
            this.limit = limit;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame head && size(head.headers()) > limit) {
                ReferenceCountUtil.release(msg);
                ctx.channel().config().setAutoRead(false);
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                        .status(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.codeAsText())
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(
                                ByteBufUtil.writeUtf8(ctx.alloc(), RequestHeadRules.HEADERS_TOO_LARGE + "\n"), true))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private static long size(Http2Headers headers) {
            long size = 0;
            for (Map.Entry<CharSequence, CharSequence> h : headers) {
                size += h.getKey().length() + h.getValue().length() + 32;
            }
            return size;
        }
    }

    /**
     * The removal of the {@code x-http2-*} headers the codec adds to a request head: they describe
     * the edge's own hop and must not reach an origin as if the browser had sent them.
     */
    private static final class ExtensionHeadersRemoval extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest head) {
                for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
                    head.headers().remove(name.text());
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
