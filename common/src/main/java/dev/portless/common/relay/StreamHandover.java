package dev.portless.common.relay;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * The step every hop takes when its handshake is over and its channel becomes a stream: the hop's
 * stream adapter goes in, with an {@link InboundHold} behind it that parks early bytes until
 * {@link RelayPair#join} adds the relay and releases them.
 */
public final class StreamHandover {
    private StreamHandover() {}

    /**
     * Puts {@code adapter} where the handshake handler of {@code ctx} was, with a hold behind it.
     * Call it on the channel's event loop.
     */
    public static void replaceHandshake(ChannelHandlerContext ctx, ChannelHandler adapter) {
        requireNonNull(adapter, "adapter");
        ctx.pipeline().addAfter(ctx.name(), "hold", new InboundHold());
        ctx.pipeline().replace(ctx.handler(), "stream", adapter);
    }

    /**
     * Puts {@code adapter} and a hold behind the handler of {@code ctx}, which stays to finish its
     * handshake (a WebSocket handshaker decodes the first frames while it completes). Call it on
     * the channel's event loop.
     */
    public static void addBehind(ChannelHandlerContext ctx, ChannelHandler adapter) {
        requireNonNull(adapter, "adapter");
        ctx.pipeline().addAfter(ctx.name(), "hold", new InboundHold());
        ctx.pipeline().addAfter(ctx.name(), "stream", adapter);
    }
}
