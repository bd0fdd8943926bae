package dev.portless.common.wire;

/**
 * The WebSocket close codes Portless sends, each with one meaning.
 *
 * <p>1000-1015 are RFC 6455's; 4000-4999 are reserved by the RFC for applications.
 */
public final class CloseCodes {
    /** The sender will send no more bytes (half-close); the other direction may go on. */
    public static final int NORMAL = 1000;
    /** The peer broke the WebSocket protocol, e.g. an unmasked client frame. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A text frame arrived; streams carry binary messages only. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A frame was larger than the edge accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The target or the connector reset the stream. */
    public static final int STREAM_RESET = 4000;
    /** The tunnel to the connector was lost mid-stream. */
    public static final int CONNECTOR_LOST = 4001;
    /** The edge or connector is shutting down and drained this stream. */
    public static final int DRAINING = 4002;

    /** A resumable stream ended because it could not be resumed (detach window passed, resume refused). */
    public static final int RESUME_FAILED = 4020;

    private CloseCodes() {}
}
