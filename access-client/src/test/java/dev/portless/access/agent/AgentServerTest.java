package dev.portless.access.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.SocketStreamAdapter;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent on a real unix socket and loopback port: an owner-only endpoint, a front with the right secret gets its stream
 * (half-close included), a forward lives as long as its front's connection, a wrong secret or a silent front
 * gets a sentence, and stop removes the endpoint.
 */
@Timeout(30)
class AgentServerTest {
    @TempDir
    Path home;

    private EventLoopGroup group;
    private Channel echo;
    private AgentPaths paths;
    private AgentServer server;
    private final CompletableFuture<Void> forwardEnded = new CompletableFuture<>();

    @BeforeEach
    void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        echo = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof ChannelInputShutdownEvent) {
                            ctx.close();
                        }
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
        paths = AgentPaths.in(home.resolve("agent"));
        server = AgentServer.start(paths, new EchoStreams(), Duration.ofMinutes(1), group);
    }

    @AfterEach
    void stop() {
        server.stop();
        server.stopped().orTimeout(10, TimeUnit.SECONDS).join();
        echo.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void theEndpointIsTheOwnersOnly() throws IOException {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.directory())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.secret())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.socket())));
        assertEquals(
                String.valueOf(ProcessHandle.current().pid()),
                Files.readString(paths.pid()).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.endpoint())));
        String[] endpoint = Files.readString(paths.endpoint()).trim().split(" ");
        assertEquals(3, endpoint.length, Files.readString(paths.endpoint()));
        assertEquals(String.valueOf(ProcessHandle.current().pid()), endpoint[1]);
        // The start time a front compares is /proc's own, field 22.
        String stat = Files.readString(Path.of("/proc/" + endpoint[1] + "/stat"));
        assertEquals(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19], endpoint[2]);
    }

    @Test
    void theLoopbackPortServesTheSameHandshakeToTheRightSecretOnly() throws IOException {
        assertEquals("ok\nping\n", exchangeOnLoopback(handshake(secret()) + "arg ssh\ngo\nping\n"));
        assertEquals(
                "refused the agent refused the secret; its endpoint file is stale or was replaced\n",
                exchangeOnLoopback(handshake("0".repeat(64)) + "arg ssh\ngo\n"));
    }

    @Test
    void theRightSecretGetsTheStreamAndItsEndCrosses() throws IOException {
        String answer = exchange(handshake(secret()) + "arg ssh\ngo\nping\n");
        assertEquals("ok\nping\n", answer);
    }

    @Test
    void aWrongSecretIsRefusedWithASentence() throws IOException {
        String answer = exchange(handshake("0".repeat(64)) + "arg ssh\ngo\nping\n");
        assertEquals("refused the agent refused the secret; its endpoint file is stale or was replaced\n", answer);
    }

    @Test
    void aFrontThatEndsBeforeGoIsRefusedAtOnce() throws IOException {
        long start = System.nanoTime();
        String answer = exchange(handshake(secret()));
        assertTrue(answer.startsWith("refused the front ended its request"), answer);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the refusal waited for the timeout");
    }

    @Test
    void aServiceFailureReachesTheFrontAsOneSentence() throws IOException {
        assertEquals("fail the app is not there\n", exchange(handshake(secret()) + "arg fail\ngo\n"));
    }

    @Test
    void aForwardLastsUntilItsFrontHalfClosesAndItsFailureIsASentence() throws Exception {
        try (java.nio.channels.SocketChannel ch = heldForward("tcp")) {
            assertEquals(1, server.fronts());
            assertFalse(forwardEnded.isDone(), "the forward ended while its front was still there");
            // A front killed with its socat still running half-closes: that ends the forward too.
            ch.shutdownOutput();
            forwardEnded.get(10, TimeUnit.SECONDS);
            assertEquals(-1, ch.read(ByteBuffer.allocate(16)));
        }
        assertEquals(
                "fail cannot listen on 127.0.0.1:1: Address already in use; pick another --url port\n",
                exchange(handshake(secret()) + "arg tcp\narg in-use\ngo\n"));
    }

    @Test
    void aFrontThatClosesEndsItsForward() throws Exception {
        heldForward("rdp").close();
        forwardEnded.get(10, TimeUnit.SECONDS);
    }

    /** Returns a front's connection that asked for a {@code command} forward and got it. */
    private java.nio.channels.SocketChannel heldForward(String command) throws IOException {
        java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(paths.socket()));
        ch.write(ByteBuffer.wrap((handshake(secret()) + "arg " + command + "\ngo\n").getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (!all.toString(StandardCharsets.UTF_8).endsWith("ok\n") && ch.read(buffer) >= 0) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        assertEquals("say listening\nok\n", all.toString(StandardCharsets.UTF_8));
        return ch;
    }

    @Test
    void statusAndStopSpeakTheSameHandshake() throws IOException {
        AgentClient client = new AgentClient(paths, Duration.ofSeconds(5));
        assertEquals(List.of("echo agent"), client.status().orElseThrow());
        assertThrows(
                AgentServer.AgentRunningException.class,
                () -> AgentServer.start(paths, new EchoStreams(), Duration.ofMinutes(1), group));
        assertTrue(client.stop());
        server.stopped().orTimeout(10, TimeUnit.SECONDS).join();
        assertFalse(Files.exists(paths.socket()));
        assertFalse(Files.exists(paths.endpoint()));
        assertFalse(Files.exists(paths.secret()));
        assertTrue(client.status().isEmpty());
        assertFalse(client.stop());
    }

    @Test
    void anIdleAgentStopsByItself() throws IOException {
        server.stop();
        server.stopped().join();
        server = AgentServer.start(paths, new EchoStreams(), Duration.ofMillis(200), group);
        server.stopped().orTimeout(10, TimeUnit.SECONDS).join();
        assertFalse(Files.exists(paths.socket()));
    }

    private String secret() throws IOException {
        return Files.readString(paths.secret()).trim();
    }

    private static String handshake(String secret) {
        return AgentHandshake.GREETING + "\nsecret " + secret + "\n";
    }

    private String exchange(String request) throws IOException {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(paths.socket()));
            return exchange(ch, request);
        }
    }

    private String exchangeOnLoopback(String request) throws IOException {
        int port = Integer.parseInt(Files.readString(paths.endpoint()).split(" ")[0]);
        try (java.nio.channels.SocketChannel ch =
                java.nio.channels.SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            return exchange(ch, request);
        }
    }

    private static String exchange(java.nio.channels.SocketChannel ch, String request) throws IOException {
        ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
        ch.shutdownOutput();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (ch.read(buffer) >= 0) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Streams to the echo server; the request {@code fail} fails with a sentence. */
    private final class EchoStreams implements AgentService {
        @Override
        public CompletableFuture<AgentStream> open(AgentRequest request, FrontTerminal terminal, EventLoop loop) {
            if (request.command().equals("fail")) {
                return CompletableFuture.failedFuture(new IllegalStateException("the app is not there"));
            }
            CompletableFuture<Channel> result = new CompletableFuture<>();
            new Bootstrap()
                    .group(loop)
                    .channel(EpollSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new SocketStreamAdapter(), new InboundHold());
                        }
                    })
                    .connect((InetSocketAddress) echo.localAddress())
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            result.complete(((io.netty.channel.ChannelFuture) f).channel());
                        } else {
                            result.completeExceptionally(f.cause());
                        }
                    });
            return result.thenApply(AgentStream::relayed);
        }

        @Override
        public CompletableFuture<AgentLease> forward(AgentRequest request, FrontTerminal terminal) {
            if (request.args().contains("in-use")) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "cannot listen on 127.0.0.1:1: Address already in use; pick another --url port"));
            }
            terminal.say("listening");
            return CompletableFuture.completedFuture(() -> forwardEnded.complete(null));
        }

        @Override
        public List<String> describe() {
            return List.of("echo agent");
        }
    }
}
