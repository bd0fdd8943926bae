package dev.portless.common.wire;

/**
 * The names both ends of the outbound tunnel agree on.
 *
 * <p>The connector dials the edge and then serves HTTP/2 on that connection: the edge opens one
 * control stream to register the connector, and one stream per user connection.
 */
public final class TunnelProtocol {
    /** ALPN protocol of the tunnel connection. */
    public static final String ALPN = "h2";

    /** Path of the control stream the edge opens first. */
    public static final String REGISTER_PATH = "/portless/v1/register";
    /** Path of a stream that carries one user connection. */
    public static final String STREAM_PATH = "/portless/v1/stream";

    /** Register response: the tunnel id. */
    public static final String TUNNEL_ID = "portless-tunnel-id";
    /** Register response: the tunnel secret; sent never-indexed in HPACK. */
    public static final String TUNNEL_SECRET = "portless-tunnel-secret";
    /** Register response: a name for this connector process, for the edge's logs. */
    public static final String CONNECTOR_NAME = "portless-connector";
    /**
     * Register response: the connector process's random instance id, which starts the id of every
     * resumable stream it holds, so any edge can route a resume to it.
     */
    public static final String CONNECTOR_INSTANCE = "portless-connector-instance";
    /** Register response: the connector's software version. */
    public static final String VERSION = "portless-version";
    /**
     * Present (value {@code 1}) when a connector registers only to check its settings: the edge answers as
     * usual but never opens a stream on that connection, which closes at once.
     */
    public static final String PROBE = "portless-probe";

    /** Stream request: the identity the edge authenticated, for the connector's logs. */
    public static final String IDENTITY = "portless-identity";
    /** Stream request: the client's address as the edge saw it. */
    public static final String CLIENT_ADDRESS = "portless-client-address";
    /** Stream request: the edge's id for this stream, shared in both ends' logs. */
    public static final String STREAM_ID = "portless-stream-id";
    /**
     * Stream request: the app token the edge verified (for service tokens, one the edge minted); the
     * connector verifies it again against the edge's JWKS before it dials.
     */
    public static final String APP_TOKEN = "portless-app-token";
    /** Stream request: the bastion destination, when the client asked for one. */
    public static final String JUMP_DESTINATION = "portless-jump-destination";

    /** Stream request: what the stream carries, {@link #KIND_HTTP} or {@link #KIND_WEBSOCKET}; absent for TCP. */
    public static final String KIND = "portless-kind";
    /** {@link #KIND} of one web request proxied to an HTTP origin. */
    public static final String KIND_HTTP = "http";
    /** {@link #KIND} of a browser's WebSocket upgrade: a TCP stream for TCP rules, an upgrade for web rules. */
    public static final String KIND_WEBSOCKET = "websocket";

    /** Stream response: the origin accepted the upgrade ({@code websocket}); raw bytes follow both ways. */
    public static final String UPGRADED = "portless-upgraded";
    /**
     * {@link #UPGRADED} on the answer to a {@link #KIND_WEBSOCKET} stream whose origin did not switch
     * protocols: the status, headers and body that follow are the origin's own response.
     */
    public static final String UPGRADED_NO = "no";

    /** Stream response: the service the connector dialed. */
    public static final String TARGET = "portless-target";
    /** Stream response on failure: a {@link StreamError} code. */
    public static final String ERROR = "portless-error";
    /** Stream response on failure: the sentence for the user. */
    public static final String MESSAGE = "portless-message";
    /**
     * Trailer of an HTTP/2 stream ended abnormally: the close code (as in {@link CloseCodes}); with
     * {@link #CLOSE_REASON} it carries what RST_STREAM cannot, the reason, to the other end.
     */
    public static final String CLOSE_CODE = "portless-close-code";
    /** Trailer with the close reason, one line of at most 240 characters. */
    public static final String CLOSE_REASON = "portless-close-reason";

    /** Body the edge sends on the control stream when it accepts the connector. */
    public static final String REGISTERED = "registered";

    private TunnelProtocol() {}
}
