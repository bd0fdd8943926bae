package dev.portless.access.agent;

import dev.portless.common.relay.InboundHold;
import dev.portless.common.relay.SocketStreamAdapter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One front's connection until its stream starts: checks that the peer is the agent's own user,
 * reads the handshake, then asks the {@link AgentService} for the stream and joins the two. Answer lines
 * ({@code say}, {@code open}, {@code ok}, {@code fail}, {@code refused}, {@code info}, {@code done}) go back
 * as the front reads them; after {@code ok} the connection carries the stream's bytes only. A front that asks
 * for a forward ({@code access tcp}) holds it as a lease: after {@code ok} the connection carries the forward's
 * {@code say} lines, and its end (closed, or half-closed by the front) ends the forward.
 */
final class AgentFrontHandler extends SimpleChannelInboundHandler<ByteBuf> {
    /** How long a refused front may go on writing before the agent closes the connection. */
    private static final Duration REFUSAL_LINGER = Duration.ofSeconds(2);

    private final AgentHandshake handshake;
    private final int ownerUid;
    private final Duration handshakeTimeout;
    private final AgentService service;
    private final AgentControl control;
    // Touched from this channel's event loop only.
    private ScheduledFuture<?> timeout;
    private boolean answered;
    // Refused: reading the rest of the request until the front ends it or the linger passes.
    private boolean refusing;
    // Holding a forward: reading only to notice the front's end.
    private boolean leasing;

    AgentFrontHandler(
            AgentHandshake handshake,
            int ownerUid,
            Duration handshakeTimeout,
            AgentService service,
            AgentControl control) {
        this.handshake = handshake;
        this.ownerUid = ownerUid;
        this.handshakeTimeout = handshakeTimeout;
        this.service = service;
        this.control = control;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // The unix socket tells the peer's uid; on the loopback port the secret alone admits a front, as
        // only the owner can read it.
        if (ctx.channel() instanceof EpollDomainSocketChannel domain) {
            int peer = peerUid(domain);
            if (peer != ownerUid) {
                refuse(
                        ctx,
                        "the agent serves its own user (uid " + ownerUid + ") only, and this connection came from "
                                + (peer < 0 ? "a user it cannot tell" : "uid " + peer));
                return;
            }
        }
        timeout = ctx.executor()
                .schedule(
                        () -> refuse(
                                ctx, "the handshake with the agent took over " + handshakeTimeout.toSeconds() + " s"),
                        handshakeTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        ctx.read();
    }

    /** Returns the uid at the other end of the socket (the kernel's SO_PEERCRED), or -1 when unknown. */
    private static int peerUid(EpollDomainSocketChannel domain) {
        try {
            return domain.peerCredentials().uid();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
        if (answered) {
            return;
        }
        AgentRequest request;
        try {
            request = handshake.accept(msg.toString(StandardCharsets.UTF_8));
        } catch (AgentHandshake.Refusal r) {
            refuse(ctx, r.getMessage());
            return;
        }
        if (request != null) {
            answered = true;
            timeout.cancel(false);
            serve(ctx, request);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!answered || refusing || leasing) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && (refusing || leasing)) {
            ctx.close();
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent && !answered) {
            // Nothing more can arrive, so there is nothing to read before closing.
            answered = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            ctx.writeAndFlush(line("refused the front ended its request before \"go\""))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void serve(ChannelHandlerContext ctx, AgentRequest request) {
        Channel front = ctx.channel();
        switch (request.command()) {
            case "agent-status" -> {
                for (String line : service.describe()) {
                    answer(front, "info " + line);
                }
                front.writeAndFlush(line("done")).addListener(ChannelFutureListener.CLOSE);
            }
            case "agent-stop" -> {
                front.writeAndFlush(line("done")).addListener(f -> control.stop());
            }
            default -> {
                if (request.holdsForward()) {
                    holdForward(ctx, request);
                } else {
                    openStream(ctx, request);
                }
            }
        }
    }

    /**
     * Starts the forward the front asks for and ends it with the front's connection: a front that exits, is
     * killed or loses its connection closes or half-closes it, and the listener goes with it.
     */
    private void holdForward(ChannelHandlerContext ctx, AgentRequest request) {
        Channel front = ctx.channel();
        leasing = true;
        // Reads from here on only notice the front's end, even while the listener is being bound.
        ctx.read();
        service.forward(request, new ChannelTerminal(front)).whenComplete((lease, failure) -> {
            if (failure != null) {
                fail(front, failure);
                return;
            }
            // Runs at once when the front has gone already.
            front.closeFuture().addListener(f -> lease.end());
            answer(front, "ok");
        });
    }

    private void openStream(ChannelHandlerContext ctx, AgentRequest request) {
        Channel front = ctx.channel();
        // From here on the front speaks the stream: the socket as a stream, held until the relay joins.
        ctx.pipeline().addFirst("stream", new SocketStreamAdapter());
        ctx.pipeline().replace(this, "hold", new InboundHold());
        ctx.pipeline().remove("lines");
        FrontTerminal terminal = new ChannelTerminal(front);
        service.open(request, terminal, front.eventLoop()).whenComplete((stream, failure) -> {
            if (failure != null) {
                fail(front, failure);
                return;
            }
            if (!front.isActive()) {
                stream.close();
                return;
            }
            front.writeAndFlush(line("ok"));
            stream.join(front);
        });
    }

    /** Sends the sentence of {@code failure} as the front's {@code fail} line and closes the connection. */
    private static void fail(Channel front, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String sentence = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        front.writeAndFlush(line("fail " + oneLine(sentence))).addListener(ChannelFutureListener.CLOSE);
    }

    private void refuse(ChannelHandlerContext ctx, String sentence) {
        answered = true;
        refusing = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.writeAndFlush(line("refused " + oneLine(sentence)));
        // The front may still be writing its request. Closing now would meet that write with a reset, and a
        // front that fails its write exits before it prints the refusal: read the request to its end (or for a
        // moment), then close.
        ctx.executor().schedule(() -> ctx.close(), REFUSAL_LINGER.toMillis(), TimeUnit.MILLISECONDS);
        ctx.read();
    }

    static void answer(Channel front, String text) {
        front.writeAndFlush(line(text));
    }

    static ByteBuf line(String text) {
        return Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
    }

    static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    /** The front's terminal as seen from the agent: lines on the front's connection. */
    private record ChannelTerminal(Channel front) implements FrontTerminal {
        @Override
        public void say(String sentence) {
            answer(front, "say " + oneLine(sentence));
        }

        @Override
        public void open(URI page) {
            answer(front, "open " + oneLine(page.toString()));
        }
    }
}
