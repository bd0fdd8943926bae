package dev.portless.common.relay;

import static java.util.Objects.requireNonNull;

import dev.portless.common.wire.StreamEnd;

/**
 * An outbound request to end a stream abnormally, in the framing's own way (WebSocket close
 * code, HTTP/2 RST_STREAM, TCP close), written just before the channel is closed.
 *
 * @param closeCode the WebSocket close code that names the reason (see {@code CloseCodes})
 * @param reason    a short reason a user can read
 */
public record StreamAbort(int closeCode, String reason) {
    /** Returns an abort with a close code and a reason. */
    public StreamAbort {
        requireNonNull(reason, "reason");
    }

    /** Returns the abort of {@code end}, its sentence filled with {@code names}. */
    public static StreamAbort of(StreamEnd end, Object... names) {
        return new StreamAbort(requireNonNull(end, "end").closeCode(), end.sentence(names));
    }
}
