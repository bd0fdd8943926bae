package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.*;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class Http2EndStreamMergeTest {
    @Test
    void endStreamSurvivesTheRelaysFlushThenClose() throws Exception {
        AtomicLong serverData = new AtomicLong();
        AtomicBoolean serverEnd = new AtomicBoolean();
        EmbeddedChannel server =
                new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2HeadersFrame h) {
                            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"))
                                    .stream(h.stream()));
                        }
                        if (msg instanceof Http2DataFrame d) {
                            serverData.addAndGet(d.content().readableBytes());
                            if (d.isEndStream()) serverEnd.set(true);
                            int bytes = d.initialFlowControlledBytes();
                            if (bytes > 0)
                                ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes).stream(d.stream()));
                            d.release();
                        }
                    }
                });
        EmbeddedChannel client = new EmbeddedChannel(
                Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        shuttle(client, server);
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(client)
                .open()
                .syncUninterruptibly()
                .getNow();
        stream.pipeline().addLast(new Http2StreamAdapter());
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().method("POST").path("/").scheme("https"), false));
        client.runPendingTasks();
        // 100 KB: more than the 64 KiB initial window, so the tail waits in the flow controller.
        stream.write(Unpooled.wrappedBuffer(new byte[100_000]));
        stream.writeAndFlush(EndOfStream.INSTANCE);
        // What RelayPair.closeAfterFlush does once both inputs ended.
        stream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        for (int i = 0; i < 20; i++) {
            client.runPendingTasks();
            server.runPendingTasks();
            shuttle(client, server);
        }
        System.out.println("server got " + serverData.get() + " bytes, END_STREAM=" + serverEnd.get());
        assertTrue(
                serverData.get() == 100_000 && serverEnd.get(),
                "server got " + serverData.get() + " bytes, END_STREAM=" + serverEnd.get());
    }

    private static void shuttle(EmbeddedChannel a, EmbeddedChannel b) {
        for (int round = 0; round < 10; round++) {
            boolean moved = false;
            ByteBuf x;
            while ((x = a.readOutbound()) != null) {
                b.writeInbound(x);
                moved = true;
            }
            while ((x = b.readOutbound()) != null) {
                a.writeInbound(x);
                moved = true;
            }
            if (!moved) return;
        }
    }
}
