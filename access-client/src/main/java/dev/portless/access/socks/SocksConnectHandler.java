package dev.portless.access.socks;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.limits.AccessLimits;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.SocketStreamAdapter;
import dev.portless.common.relay.StreamHandover;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.PrintStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 handshake of one local connection: offer no authentication, take one CONNECT, open the stream
 * to the app with the requested destination, answer with the reply code the outcome maps to, then step aside
 * for the relay. Domain names travel unresolved, so the connector resolves them (as with
 * {@code curl --socks5-hostname}).
 */
final class SocksConnectHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SocksConnectHandler.class);

    private final StreamDialer dialer;
    private final String hostname;
    private final PrintStream err;
    // Touched on the channel's event loop only.
    private ScheduledFuture<?> handshakeTimeout;

    SocksConnectHandler(StreamDialer dialer, String hostname, PrintStream err) {
        this.dialer = dialer;
        this.hostname = hostname;
        this.err = err;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshakeTimeout = ctx.executor()
                .schedule(
                        () -> {
                            ctx.close();
                        },
                        AccessLimits.SOCKS_HANDSHAKE_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshakeTimeout.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SocksMessage m && m.decoderResult() != DecoderResult.SUCCESS) {
                // Not SOCKS5 (a SOCKS4 client, or HTTP sent to the wrong port): nothing sensible to answer.
                ctx.close();
            } else if (msg instanceof Socks5InitialRequest greeting) {
                greet(ctx, greeting);
            } else if (msg instanceof Socks5CommandRequest request) {
                command(ctx, request);
            } else {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static void greet(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
        if (!greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.pipeline().replace("socks-decoder", "socks-decoder", new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
        ctx.read();
    }

    private void command(ChannelHandlerContext ctx, Socks5CommandRequest request) {
        if (request.type() != Socks5CommandType.CONNECT) {
            reply(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String destination = request.dstAddrType() == Socks5AddressType.IPv6
                ? '[' + request.dstAddr() + "]:" + request.dstPort()
                : request.dstAddr() + ':' + request.dstPort();
        Channel local = ctx.channel();
        dialer.open(local.eventLoop(), hostname, destination).whenComplete((stream, failure) -> {
            handshakeTimeout.cancel(false);
            if (failure != null) {
                refuse(ctx, destination, failure);
                return;
            }
            if (!local.isActive()) {
                stream.close();
                return;
            }
            reply(ctx, Socks5CommandStatus.SUCCESS);
            // The codec goes once the reply is through it; bytes the client sent early wait in the hold.
            StreamHandover.replaceHandshake(ctx, new SocketStreamAdapter());
            local.pipeline().remove("socks-decoder");
            local.pipeline().remove("socks-encoder");
            RelayPair.join(local, "local", stream, "edge")
                    .done()
                    .thenAccept(r -> log.debug(
                            "socks {} to {} through {}: {} bytes sent, {} received, end: {}",
                            local.remoteAddress(),
                            destination,
                            hostname,
                            r.bytesFromFirst(),
                            r.bytesFromSecond(),
                            r.endReason()));
        });
    }

    private void refuse(ChannelHandlerContext ctx, String destination, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String code = cause instanceof AccessException a ? a.edgeError().orElse("") : "";
        Socks5CommandStatus status = SocksReplies.statusOf(code);
        err.println("access: socks: " + destination + " refused with SOCKS reply " + status + ": "
                + (cause instanceof AccessException ? cause.getMessage() : cause.toString()));
        reply(ctx, status).addListener(ChannelFutureListener.CLOSE);
    }

    private static io.netty.channel.ChannelFuture reply(ChannelHandlerContext ctx, Socks5CommandStatus status) {
        // The bound address means nothing here (the connector dialed); RFC 1928 clients ignore 0.0.0.0:0.
        return ctx.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4));
    }
}
