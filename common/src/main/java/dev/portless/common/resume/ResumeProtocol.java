package dev.portless.common.resume;

/**
 * The names and frame types of {@code portless-resume.v1}.
 *
 * <p>A client asks for a resumable stream with {@link #RESUME}{@code : }{@link #NEW} (and, on a
 * WebSocket, the subprotocol {@link #SUBPROTOCOL}); the edge passes the three resume headers on to
 * the connector unchanged. Every frame starts with one type byte; numbers are big-endian.
 */
public final class ResumeProtocol {
    /** The WebSocket subprotocol a resuming client offers and the edge echoes. */
    public static final String SUBPROTOCOL = "portless-resume.v1";
    /** Request header: {@link #NEW} for a new resumable stream, else the id of the stream to resume. */
    public static final String RESUME = "portless-resume";
    /** Value of {@link #RESUME} that asks for a new resumable stream. */
    public static final String NEW = "new";
    /** Request header of a resume: the stream's secret; sent never-indexed, never logged. */
    public static final String SECRET = "portless-resume-secret";
    /** Request header of a resume: how many bytes (plus one for an end) the client has received. */
    public static final String RECEIVED = "portless-resume-received";

    /** {@code DATA}: u32 length, then that many stream bytes. */
    static final byte DATA = 1;
    /** {@code ACK}: u64 count of bytes (plus one for an end) received so far. */
    static final byte ACK = 2;
    /** {@code FIN}: the sender sends no more bytes; it counts as one byte. */
    static final byte FIN = 3;
    /** {@code RESET}: u16 close code, u16 length, UTF-8 reason; the stream is over. */
    static final byte RESET = 4;
    /** {@code HELLO}: the connector's first frame of a new stream: u16 length + id, u16 length + secret. */
    static final byte HELLO = 5;

    /** The longest DATA frame a sender writes; a longer one is refused as a protocol error. */
    static final int MAX_DATA = 1 << 20;

    /**
     * The most stream bytes a sender puts in one DATA frame: with its 5-byte header it fills one
     * 64 KiB HTTP/2 or WebSocket frame (a client's WebSocket frame may not be larger), so every hop
     * relays it as one frame.
     */
    static final int DATA_PER_FRAME = (64 << 10) - 5;

    private ResumeProtocol() {}
}
