package dev.portless.common.wire;

/**
 * The WebSocket close codes Portless sends, each with one meaning.
 *
 * <p>1000-1015 are RFC 6455's; 4000-4999 are reserved by the RFC for applications. The same codes
 * travel in HTTP/2 trailers ({@link TunnelProtocol#CLOSE_CODE}); {@link StreamEnd} gives each its sentence.
 */
public final class CloseCodes {
    /** The sender will send no more bytes (half-close); the other direction may go on. */
    public static final int NORMAL = 1000;
    /** The edge is going away; sent to browsers' WebSockets while it drains. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the WebSocket protocol, e.g. an unmasked client frame. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A text frame arrived; streams carry binary messages only. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A frame was larger than the edge accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The target reset the stream. */
    public static final int STREAM_RESET = 4000;
    /** The tunnel to the connector was lost mid-stream. */
    public static final int CONNECTOR_LOST = 4001;
    /** The edge is shutting down and its drain timeout ended this stream. */
    public static final int DRAINING = 4002;
    /** The connector is shutting down and its grace period ended this stream. */
    public static final int CONNECTOR_DRAINING = 4003;
    /** The client's connection to the edge broke mid-stream. */
    public static final int CLIENT_LOST = 4004;
    /** The CLI's connection to the edge broke mid-stream (never sent: the CLI's own end). */
    public static final int EDGE_LOST = 4005;
    /** The local program reset its connection to the CLI. */
    public static final int LOCAL_RESET = 4006;
    /** The app's maximum stream duration passed. */
    public static final int MAX_DURATION = 4007;
    /** The app's idle timeout passed with no byte either way. */
    public static final int IDLE_TIMEOUT = 4008;
    /** A hop failed for another reason, named in the close reason. */
    public static final int STREAM_FAILED = 4009;
    /** An administrator signed the stream's identity out (of its app or of every app). */
    public static final int SIGNED_OUT = 4010;

    /** A resumable stream ended because {@code access} could not resume it (refused, or it gave up redialing). */
    public static final int RESUME_FAILED = 4020;
    /** A resumable stream ended because its detach window passed with no resume. */
    public static final int RESUME_WINDOW_PASSED = 4021;

    private CloseCodes() {}
}
