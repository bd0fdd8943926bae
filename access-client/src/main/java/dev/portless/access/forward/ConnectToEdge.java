package dev.portless.access.forward;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.StreamDialer;
import dev.portless.access.resume.ResumingStream;
import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.resume.ResumableEnd;
import dev.portless.common.wire.StreamEnd;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the edge stream when a local connection arrives, then steps aside for the relay. */
final class ConnectToEdge extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectToEdge.class);
    private final StreamDialer dialer;
    private final String hostname;
    private final PrintStream err;
    private final boolean resumable;
    private final Consumer<ResumableEnd> joined;

    ConnectToEdge(
            StreamDialer dialer, String hostname, PrintStream err, boolean resumable, Consumer<ResumableEnd> joined) {
        this.joined = joined;
        this.dialer = dialer;
        this.hostname = hostname;
        this.err = err;
        this.resumable = resumable;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel local = ctx.channel();
        ctx.pipeline().remove(this);
        Map<String, String> resume = resumable ? ResumingStream.newStreamHeaders() : Map.of();
        dialer.open(local.eventLoop(), hostname, null, resume).whenComplete((edgeChannel, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                err.println("access: " + (cause instanceof AccessException ? cause.getMessage() : cause.toString()));
                local.close();
                return;
            }
            if (!local.isActive()) {
                edgeChannel.close();
                return;
            }
            if (resumable) {
                joined.accept(ResumingStream.join(local, edgeChannel, dialer, hostname, err));
                return;
            }
            RelayPair.join(
                            new RelayPair.Side(local, "local", () -> StreamAbort.of(StreamEnd.LOCAL_RESET)),
                            new RelayPair.Side(edgeChannel, "edge", () -> StreamAbort.of(StreamEnd.EDGE_LOST)))
                    .done()
                    .thenAccept(r -> {
                        log.debug(
                                "connection {} for {}: {} bytes sent, {} received in {} ms, end: {}",
                                local.remoteAddress(),
                                hostname,
                                r.bytesFromFirst(),
                                r.bytesFromSecond(),
                                r.durationMillis(),
                                r.endReason());
                        // The local program saw a reset; this says why. A reset it caused itself needs no word.
                        if (!r.completed() && r.closeCode() != StreamEnd.LOCAL_RESET.closeCode()) {
                            err.println("access: the stream to " + hostname + " ended: " + r.endReason());
                        }
                    });
        });
    }
}
