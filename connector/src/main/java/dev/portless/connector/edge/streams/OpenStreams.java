package dev.portless.connector.edge.streams;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.RelayPair;
import dev.portless.common.relay.StreamAbort;
import dev.portless.common.wire.StreamEnd;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The streams an edge relays now and the client connections they arrive on: what a drain tells to
 * move, waits for and then ends, what each app's {@link StreamTimeouts} are applied to, and what an
 * administrator's sign-out ends.
 */
public final class OpenStreams {
    private final Map<RelayPair, StreamOwner> open = new ConcurrentHashMap<>();
    private final ChannelGroup clients = new DefaultChannelGroup("edge-clients", GlobalEventExecutor.INSTANCE);
    private final Function<String, StreamTimeouts> timeouts;
    private volatile boolean draining;

    /** Returns an empty set whose streams get the timeouts {@code timeouts} names for their app hostname. */
    public OpenStreams(Function<String, StreamTimeouts> timeouts) {
        this.timeouts = requireNonNull(timeouts, "timeouts");
    }

    /** Tracks {@code pair}, a stream of {@code owner}, until it ends, with its app's timers on {@code loop}. */
    public void track(RelayPair pair, StreamOwner owner, EventLoop loop) {
        requireNonNull(pair, "pair");
        requireNonNull(owner, "owner");
        requireNonNull(loop, "loop");
        open.put(pair, owner);
        pair.done().whenComplete((r, t) -> open.remove(pair));
        StreamTimers.watch(pair, owner.app(), timeouts.apply(owner.app()), loop);
    }

    /**
     * Ends every open stream whose owner {@code signedOut} matches, saying that an administrator signed its
     * identity out of its app; returns how many.
     */
    public int endSignedOut(Predicate<StreamOwner> signedOut) {
        requireNonNull(signedOut, "signedOut");
        int[] ended = {0};
        open.forEach((pair, owner) -> {
            if (signedOut.test(owner) && !pair.ended()) {
                pair.abort(StreamAbort.of(StreamEnd.SIGNED_OUT, owner.app()));
                ended[0]++;
            }
        });
        return ended[0];
    }

    /** Tracks a client connection until it closes, so a drain can tell it to move. */
    public void trackConnection(Channel client) {
        clients.add(requireNonNull(client, "client"));
    }

    /**
     * Refuses new streams from now on (see {@link #draining()}) and sends every HTTP/2 client
     * connection ({@code portless-h2} and browsers' {@code h2}) a GOAWAY: its open streams go on,
     * new ones go to a new connection, and so to another edge once this one stops listening.
     */
    public void startDraining() {
        draining = true;
        for (Channel client : clients) {
            client.eventLoop().execute(() -> {
                if (client.isActive() && client.pipeline().get(Http2FrameCodec.class) != null) {
                    client.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                }
            });
        }
    }

    /** Returns whether the edge is draining, so new streams are refused. */
    public boolean draining() {
        return draining;
    }

    /** Returns how many streams are open. */
    public int count() {
        return open.size();
    }

    /** Ends every open stream with {@code abort}. */
    public void endAll(StreamAbort abort) {
        requireNonNull(abort, "abort");
        open.keySet().forEach(pair -> pair.abort(abort));
    }

    /** Closes every client connection still open (after {@link #endAll}, so each stream has its reason). */
    public void closeConnections() {
        clients.close().awaitUninterruptibly();
    }
}
