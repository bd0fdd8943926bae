package dev.portless.access.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.edge.StreamDialer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SocksConnectHandlerTest {
    private static final byte[] GREETING_NO_AUTH = {5, 1, 0};
    private static final byte[] CHOSEN_NO_AUTH = {5, 0};

    private final List<String> destinations = new ArrayList<>();
    private final CompletableFuture<Channel> answer = new CompletableFuture<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private final StreamDialer dialer = new StreamDialer() {
        @Override
        public EdgeEndpoint edge() {
            return EdgeEndpoint.parse("https://edge.example");
        }

        @Override
        public CompletableFuture<Channel> open(
                EventLoop loop, String hostname, String destination, Map<String, String> resume) {
            destinations.add(hostname + " " + destination);
            return answer;
        }
    };

    /** Returns a channel with the handlers under the names the server's initializer gives them. */
    private EmbeddedChannel channel() throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.pipeline()
                .addLast("socks-encoder", Socks5ServerEncoder.DEFAULT)
                .addLast("socks-decoder", new Socks5InitialRequestDecoder())
                .addLast(
                        "socks",
                        new SocksConnectHandler(
                                dialer, "jump.example", new PrintStream(err, true, StandardCharsets.UTF_8)));
        ch.register();
        return ch;
    }

    private static byte[] written(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void connectNamesTheDomainUnresolvedAndRefusalMapsToRulesetReply() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(GREETING_NO_AUTH));
        assertArrayEquals(CHOSEN_NO_AUTH, written(ch));
        byte[] host = "db.internal".getBytes(StandardCharsets.US_ASCII);
        ByteBuf connect = Unpooled.buffer().writeBytes(new byte[] {5, 1, 0, 3, (byte) host.length});
        connect.writeBytes(host).writeShort(5432);
        ch.writeInbound(connect);
        assertEquals(List.of("jump.example db.internal:5432"), destinations);
        answer.completeExceptionally(
                new AccessException("The connector's bastion rule refused it.", "destination_refused"));
        ch.runPendingTasks();
        byte[] reply = written(ch);
        assertEquals(Socks5CommandStatus.FORBIDDEN.byteValue(), reply[1]);
        assertFalse(ch.isActive());
        assertEquals(
                "access: socks: db.internal:5432 refused with SOCKS reply FORBIDDEN(2): "
                        + "The connector's bastion rule refused it.",
                err.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void bindIsRefusedAsUnsupportedWithoutAStream() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(GREETING_NO_AUTH));
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 2, 0, 1, 10, 0, 0, 1, 0, 22}));
        assertEquals(Socks5CommandStatus.COMMAND_UNSUPPORTED.byteValue(), written(ch)[1]);
        assertEquals(List.of(), destinations);
        assertFalse(ch.isActive());
    }

    @Test
    void aClientWithoutNoAuthIsRefused() throws Exception {
        EmbeddedChannel ch = channel();
        // Username/password only.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 1, 2}));
        assertArrayEquals(new byte[] {5, (byte) 0xff}, written(ch));
        assertFalse(ch.isActive());
    }

    @Test
    void unreachableAndRefusedTargetsGetTheirReplies() {
        assertEquals(Socks5CommandStatus.CONNECTION_REFUSED, SocksReplies.statusOf("target_refused"));
        assertEquals(Socks5CommandStatus.HOST_UNREACHABLE, SocksReplies.statusOf("target_unresolved"));
        assertEquals(Socks5CommandStatus.FORBIDDEN, SocksReplies.statusOf("forbidden"));
        assertEquals(Socks5CommandStatus.FAILURE, SocksReplies.statusOf("no_connector"));
    }
}
