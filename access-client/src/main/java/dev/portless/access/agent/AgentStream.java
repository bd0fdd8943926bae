package dev.portless.access.agent;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.RelayPair;
import io.netty.channel.Channel;

/**
 * A stream the agent opened for a front, waiting to be joined to the front's connection: carried plainly by
 * one edge stream, or resumable across breaks of the agent's edge connection.
 */
public interface AgentStream {

    /**
     * Joins {@code front} (its stream adapter and hold in place, reads off) to this stream; from then on the
     * stream's end is the front's.
     */
    void join(Channel front);

    /** Closes the stream unjoined: its front went away while it was being opened. */
    void close();

    /** Returns the stream carried by {@code edgeStream} alone, byte for byte, ending when it ends. */
    static AgentStream relayed(Channel edgeStream) {
        requireNonNull(edgeStream, "edgeStream");
        return new AgentStream() {
            @Override
            public void join(Channel front) {
                RelayPair.join(requireNonNull(front, "front"), "front", edgeStream, "edge");
            }

            @Override
            public void close() {
                edgeStream.close();
            }
        };
    }
}
