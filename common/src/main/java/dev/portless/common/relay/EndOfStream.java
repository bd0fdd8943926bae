package dev.portless.common.relay;

/**
 * The half-close marker of a stream, whatever its framing.
 *
 * <p>Inbound, a stream adapter fires it as a user event when the peer will send no more bytes
 * (TCP FIN, WebSocket Close, HTTP/2 END_STREAM). Outbound, writing it asks the adapter to tell its
 * peer the same in that framing's own way.
 */
public final class EndOfStream {
    /** The one instance. */
    public static final EndOfStream INSTANCE = new EndOfStream();

    private EndOfStream() {}

    @Override
    public String toString() {
        return "EndOfStream";
    }
}
