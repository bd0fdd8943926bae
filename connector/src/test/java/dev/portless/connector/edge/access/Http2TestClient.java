package dev.portless.connector.edge.access;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client connection (prior knowledge, no TLS) made with Netty's HTTP/2 client: a browser's
 * {@code h2} connection, or the edge's side of a fake tunnel.
 */
final class Http2TestClient implements AutoCloseable {
    private final Channel connection;

    Http2TestClient(EventLoopGroup group, InetSocketAddress server) throws InterruptedException {
        connection = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forClient().build())
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(server)
                .sync()
                .channel();
    }

    /** Returns the connection, on which streams may be opened. */
    Channel channel() {
        return connection;
    }

    /** Sends {@code request} with an empty body and returns its answer. */
    Answer send(Http2Headers request) throws Exception {
        return send(request, 0);
    }

    /**
     * Sends {@code request} with a body of {@code bodyBytes} bytes (a repeating pattern, written as the
     * stream's window allows) and returns its answer; the answer's body is kept up to 64 KiB and
     * counted and hashed whole.
     */
    Answer send(Http2Headers request, long bodyBytes) throws Exception {
        Collector collector = new Collector(bodyBytes);
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(collector)
                .open()
                .sync()
                .getNow();
        stream.eventLoop().execute(() -> {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(request, bodyBytes == 0));
            collector.writeBody(stream);
        });
        return collector.answer.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
    }

    /**
     * What came back on a stream.
     *
     * @param headers the response headers, or null when the stream was reset first
     * @param body    the first 64 KiB of the body
     * @param length  the body's length
     * @param sha256  the body's SHA-256, hex
     * @param reset   the RST_STREAM error code, or -1
     */
    record Answer(Http2Headers headers, byte[] body, long length, String sha256, long reset) {
        int status() {
            return headers == null ? 0 : Integer.parseInt(headers.status().toString());
        }
    }

    /** The pattern byte at {@code offset} of an uploaded body. */
    static byte patternAt(long offset) {
        return (byte) (offset % 251);
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Answer> answer = new CompletableFuture<>();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final MessageDigest sha;
        private long toWrite;
        private long written;
        private long length;
        private Http2Headers headers;

        Collector(long bodyBytes) throws NoSuchAlgorithmException {
            this.toWrite = bodyBytes;
            this.sha = MessageDigest.getInstance("SHA-256");
        }

        void writeBody(Channel stream) {
            while (written < toWrite && stream.isWritable()) {
                int chunk = (int) Math.min(16 * 1024, toWrite - written);
                ByteBuf b = stream.alloc().buffer(chunk);
                for (int i = 0; i < chunk; i++) {
                    b.writeByte(patternAt(written + i));
                }
                written += chunk;
                stream.write(new DefaultHttp2DataFrame(b, written == toWrite));
            }
            stream.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeBody(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                String status =
                        h.headers().status() == null ? "" : h.headers().status().toString();
                if (headers == null && !status.startsWith("1")) {
                    headers = h.headers();
                }
                if (h.isEndStream()) {
                    finish();
                }
            } else if (msg instanceof Http2DataFrame d) {
                ByteBuf content = d.content();
                length += content.readableBytes();
                sha.update(content.nioBuffer());
                if (kept.size() < 64 * 1024) {
                    kept.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(content));
                }
                if (d.isEndStream()) {
                    finish();
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // The stream's RST_STREAM comes as an event, not a message.
            if (evt instanceof Http2ResetFrame r) {
                answer.complete(new Answer(headers, kept.toByteArray(), length, "", r.errorCode()));
            }
            ctx.fireUserEventTriggered(evt);
        }

        private void finish() {
            answer.complete(new Answer(
                    headers, kept.toByteArray(), length, HexFormat.of().formatHex(sha.digest()), -1));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.complete(new Answer(headers, kept.toByteArray(), length, "", -1));
            ctx.fireChannelInactive();
        }
    }
}
