package dev.portless.connector.edge.access;

import dev.portless.common.wire.TunnelProtocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A connector that answers web-app streams per the edge-connector contract without an origin:
 * {@code /sha256} answers the SHA-256 of the request body, {@code /bytes?n=N} answers N bytes
 * (written as the stream's window allows), {@code /refused} answers {@code origin_refused}, and any
 * other path answers the request's headers as seen by the connector. A stream of kind
 * {@code websocket} to {@code /ws} is taken as an origin's upgrade ({@code portless-upgraded},
 * answering {@link #SERVER_FRAME} to every piece of bytes after recording it in {@link #upgradeBytes});
 * to {@code /echo} it is a TCP rule's stream that echoes its bytes; to {@code /denied} (403) and
 * {@code /plain} (200) an origin's own answer that did not switch protocols.
 */
final class FakeWebConnector implements AutoCloseable {
    /** A text frame "ok" from a server (unmasked), which the origin behind {@code /ws} answers. */
    static final byte[] SERVER_FRAME = {(byte) 0x81, 0x02, 'o', 'k'};

    final ConcurrentLinkedQueue<Http2Headers> requests = new ConcurrentLinkedQueue<>();
    final ByteArrayOutputStream upgradeBytes = new ByteArrayOutputStream();
    private final Channel server;
    private final Http2TestClient edgeSide;

    FakeWebConnector(EventLoopGroup group) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forServer().build())
                                .addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Origin());
                                    }
                                }));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        edgeSide = new Http2TestClient(group, (InetSocketAddress) server.localAddress());
    }

    /** Returns the HTTP/2 client channel the edge opens streams on. */
    Channel edgeSide() {
        return edgeSide.channel();
    }

    @Override
    public void close() {
        edgeSide.close();
        server.close().syncUninterruptibly();
    }

    /** One stream's origin. */
    private final class Origin extends ChannelInboundHandlerAdapter {
        private final MessageDigest sha;
        private String path;

        Origin() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && path == null) {
                requests.add(h.headers());
                path = h.headers().path().toString();
                if (TunnelProtocol.KIND_WEBSOCKET.contentEquals(h.headers().get(TunnelProtocol.KIND, ""))) {
                    Http2Headers answer = new DefaultHttp2Headers().status("200");
                    if (path.equals("/denied") || path.equals("/plain")) {
                        // An origin that did not switch protocols: its own response, marked.
                        byte[] body = (path + " takes no upgrade\n").getBytes(StandardCharsets.US_ASCII);
                        answer.status(path.equals("/denied") ? "403" : "200")
                                .set(TunnelProtocol.UPGRADED, TunnelProtocol.UPGRADED_NO)
                                .set("x-origin", "said-no")
                                .setInt("content-length", body.length);
                        ctx.write(new DefaultHttp2HeadersFrame(answer, false));
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
                        return;
                    }
                    if (path.equals("/ws")) {
                        answer.set(TunnelProtocol.UPGRADED, TunnelProtocol.KIND_WEBSOCKET)
                                .set("sec-websocket-accept", "accept-from-origin")
                                .set("sec-websocket-protocol", "chat");
                    }
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(answer, false));
                } else if (path.equals("/refused")) {
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers()
                                    .status("502")
                                    .set(TunnelProtocol.ERROR, "origin_refused")
                                    .set(
                                            TunnelProtocol.MESSAGE,
                                            "The origin http://127.0.0.1:1 refused the connection."),
                            true));
                } else if (path.startsWith("/bytes?n=")) {
                    send(ctx, Long.parseLong(path.substring(9)));
                } else if (!path.equals("/sha256")) {
                    StringBuilder seen = new StringBuilder();
                    h.headers()
                            .forEach(e -> seen.append(e.getKey())
                                    .append(": ")
                                    .append(e.getValue())
                                    .append('\n'));
                    ByteBuf body =
                            ctx.alloc().buffer().writeBytes(seen.toString().getBytes());
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true));
                }
                return;
            }
            if (msg instanceof Http2DataFrame d && path.equals("/ws")) {
                synchronized (upgradeBytes) {
                    upgradeBytes.writeBytes(ByteBufUtil.getBytes(d.content()));
                }
                ctx.writeAndFlush(new DefaultHttp2DataFrame(ctx.alloc().buffer().writeBytes(SERVER_FRAME), false));
            } else if (msg instanceof Http2DataFrame d && path.startsWith("/echo")) {
                ctx.writeAndFlush(new DefaultHttp2DataFrame(d.content().retain(), d.isEndStream()));
            } else if (msg instanceof Http2DataFrame d) {
                if (path.equals("/sha256")) {
                    sha.update(d.content().nioBuffer());
                    if (d.isEndStream()) {
                        ByteBuf body = ctx.alloc()
                                .buffer()
                                .writeBytes(
                                        HexFormat.of().formatHex(sha.digest()).getBytes());
                        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true));
                    }
                }
            }
            ReferenceCountUtil.release(msg);
        }

        private void send(ChannelHandlerContext ctx, long n) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().status("200").set("content-length", Long.toString(n)), false));
            new Object() {
                long left = n;

                void more() {
                    while (left > 0 && ctx.channel().isWritable()) {
                        int chunk = (int) Math.min(16 * 1024, left);
                        left -= chunk;
                        ByteBuf b = ctx.alloc().buffer(chunk).writeZero(chunk);
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(b, left == 0));
                    }
                    if (left > 0) {
                        ctx.channel().eventLoop().schedule(this::more, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                }
            }.more();
        }
    }
}
