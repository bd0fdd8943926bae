package dev.portless.common.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-second activity of one direction of a {@link StreamRelay}, logged at debug level: bytes
 * relayed, how often reading stopped because the peer could take no more, and, when the peer is an
 * HTTP/2 stream, the least send window it had at those stops. It shows which leg of a relayed stream
 * holds it back: at the edge, a stop with the client stream's window at 0 waits for the client's
 * credit; with the tunnel stream's at 0, for the connector's. Touched from the relay's event loop only.
 */
final class RelayCounters {
    private static final Logger log = LoggerFactory.getLogger(RelayCounters.class);
    private static final int UNKNOWN = Integer.MAX_VALUE;

    private final Channel peer;
    private long bytes;
    private long reads;
    private long heldForPeer;
    private int leastPeerWindow = UNKNOWN;
    private ScheduledFuture<?> ticker;

    private RelayCounters(Channel peer) {
        this.peer = peer;
    }

    /**
     * Returns counters that log once a second for the relay at {@code ctx}, naming its direction
     * ({@code from -> to}) and the stream's channel, or null when debug logging is off.
     */
    static RelayCounters startIfLogging(ChannelHandlerContext ctx, Channel peer, String from, String to) {
        if (!log.isDebugEnabled()) {
            return null;
        }
        RelayCounters counters = new RelayCounters(peer);
        String name = from + " -> " + to + " (" + ctx.channel().id().asShortText() + ")";
        counters.ticker = ctx.executor().scheduleAtFixedRate(() -> counters.tick(name), 1, 1, TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(f -> counters.ticker.cancel(false));
        return counters;
    }

    void relayed(int n) {
        bytes += n;
    }

    void readAgain() {
        reads++;
    }

    /** Counts a stop because the peer was not writable, with the peer's HTTP/2 send window at that moment. */
    void heldForPeer() {
        heldForPeer++;
        leastPeerWindow = Math.min(leastPeerWindow, sendWindow(peer));
    }

    private void tick(String direction) {
        if (bytes == 0 && heldForPeer == 0) {
            return;
        }
        log.debug(
                "relay {}: bytes={} reads={} heldForPeer={} leastPeerSendWindowWhenHeld={}",
                direction,
                bytes,
                reads,
                heldForPeer,
                leastPeerWindow == UNKNOWN ? "-" : leastPeerWindow);
        bytes = reads = heldForPeer = 0;
        leastPeerWindow = UNKNOWN;
    }

    /**
     * Returns how many bytes {@code channel}, an HTTP/2 stream, may still send now; UNKNOWN for other
     * channels. The peer may run on another event loop: for a debug figure, a value a moment old will do.
     */
    private static int sendWindow(Channel channel) {
        if (!(channel instanceof Http2StreamChannel stream) || channel.parent() == null || stream.stream() == null) {
            return UNKNOWN;
        }
        Http2FrameCodec codec = channel.parent().pipeline().get(Http2FrameCodec.class);
        Http2Stream s =
                codec == null ? null : codec.connection().stream(stream.stream().id());
        return s == null
                ? UNKNOWN
                : codec.connection().remote().flowController().windowSize(s);
    }
}
