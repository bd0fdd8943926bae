package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.wire.CloseCodes;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SocketStreamAdapterTest {
    private final ReadCounter reads = new ReadCounter();
    private final Recorder recorder = new Recorder();
    private final EmbeddedChannel channel = new EmbeddedChannel(reads, new SocketStreamAdapter(), recorder);

    @Test
    void turnsFinIntoEndOfStreamAndSwallowsTheReadCompleteMarker() {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);

        assertEquals(List.of(EndOfStream.INSTANCE), recorder.events);
    }

    @Test
    void passesOtherEventsOn() {
        Object other = new Object();
        channel.pipeline().fireUserEventTriggered(other);

        assertEquals(List.of(other), recorder.events);
    }

    @Test
    void passesReadsOnUntilFinThenNoMore() {
        int before = reads.count;
        channel.read();
        assertEquals(before + 1, reads.count, "reads pass through while input is open");

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.read();
        channel.read();

        assertEquals(before + 1, reads.count, "no read() reaches the transport after FIN");
    }

    @Test
    void passesBytesThroughBothWays() {
        ByteBuf in = Unpooled.copiedBuffer("in", StandardCharsets.US_ASCII);
        channel.writeInbound(in);
        assertSame(in, recorder.messages.get(0));
        in.release();

        ByteBuf out = Unpooled.copiedBuffer("out", StandardCharsets.US_ASCII);
        assertTrue(channel.writeAndFlush(out).isSuccess());
        assertSame(out, channel.readOutbound());
        out.release();
    }

    @Test
    void completesEndOfStreamAfterEarlierWritesWentOut() {
        ByteBuf out = Unpooled.copiedBuffer("last words", StandardCharsets.US_ASCII);
        channel.write(out);

        // An EmbeddedChannel is no DuplexChannel: the promise succeeds once the queued bytes are flushed.
        assertTrue(channel.writeAndFlush(EndOfStream.INSTANCE).isSuccess());
        assertSame(out, channel.readOutbound());
        out.release();
        ByteBuf marker = channel.readOutbound();
        assertEquals(0, marker.readableBytes(), "only the empty flush marker follows the bytes");
        assertNull(channel.readOutbound());
        assertTrue(channel.isOpen());
    }

    @Test
    void writesNothingForAStreamAbort() {
        assertTrue(channel.writeAndFlush(new StreamAbort(CloseCodes.STREAM_RESET, "edge closed"))
                .isSuccess());

        assertNull(channel.readOutbound(), "TCP has no abort message: the relay's close is the abort");
    }

    @Test
    void makesTheCloseAfterAnAbortAReset() throws Exception {
        // A real socket: the abort must turn the close that follows into RST, not FIN.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                Channel ch = new Bootstrap()
                        .group(group)
                        .channel(NioSocketChannel.class)
                        .handler(new SocketStreamAdapter())
                        .connect(server.getLocalSocketAddress())
                        .sync()
                        .channel();
                try (Socket accepted = server.accept()) {
                    ch.writeAndFlush(new StreamAbort(CloseCodes.STREAM_RESET, "target reset"))
                            .addListener(ChannelFutureListener.CLOSE)
                            .sync();
                    ch.closeFuture().sync();
                    IOException e = assertThrows(
                            IOException.class, () -> accepted.getInputStream().read());
                    assertTrue(e.getMessage().contains("reset"), e.getMessage());
                }
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
        }
    }

    /** Counts read() calls that reach the transport. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    /** Records what the adapter passes on: messages and user events, in order. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }
}
