package dev.portless.access.limits;

import java.time.Duration;

/**
 * The CLI's timeouts and sizes in one place, each with the reason for its value.
 *
 * <p>Most are fixed on purpose: a user has one thing to tune, how long to wait for the edge
 * ({@code --connect-timeout}) and for a sign-in ({@code --timeout}); their defaults and bounds are
 * here too. Values a protocol fixes stay with the code that speaks it: RFC 8628's device polling
 * interval and slow-down step ({@code DeviceAuthorization}, {@code DeviceLogin}), the 16 KiB the
 * edge sends per WebSocket message and the 64 KiB it accepts ({@code WebSocketStreamAdapter}), the
 * HTTP/2 windows of a multiplexed connection and its keepalive ({@code MultiplexedHttp2},
 * {@code Http2Keepalive}), and the clock skew allowed on a cached token ({@code CachedToken.SKEW}).
 */
public final class AccessLimits {

    /** {@code --connect-timeout} when not given, in seconds: the TCP connect and the TLS handshake each. */
    public static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** {@code --connect-timeout}'s bounds, in seconds. */
    public static final int MIN_CONNECT_TIMEOUT_SECONDS = 1;

    public static final int MAX_CONNECT_TIMEOUT_SECONDS = 300;

    /**
     * How long the edge may take to answer a stream request: it includes the connector's dial of the
     * target, whose own timeout is the ingress rule's.
     */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);

    /** How long {@code access status} waits for each edge's TLS handshake before it says there was no answer. */
    public static final Duration STATUS_PROBE_TIMEOUT = Duration.ofSeconds(3);

    /** How long a multiplexed connection without a stream stays open for the next local connection. */
    public static final Duration IDLE_CONNECTION_CLOSE = Duration.ofSeconds(30);

    /**
     * How long the agent keeps a multiplexed connection without a stream: the next login, minutes later, is then
     * one {@code CONNECT} (one round trip to the edge) instead of TCP and TLS first (two more); HTTP/2 PINGs keep
     * it checked meanwhile.
     */
    public static final Duration AGENT_IDLE_CONNECTION_CLOSE = Duration.ofMinutes(15);

    /**
     * How long a WebSocket stream may carry nothing before {@code access} pings the edge, so NAT
     * mappings stay open on idle streams (as HTTP/2 PING does on multiplexed connections).
     */
    public static final Duration WEBSOCKET_PING_AFTER = Duration.ofSeconds(15);
    /**
     * Streams one multiplexed connection carries at once: one, because streams that share a TCP
     * connection queue behind each other's bytes in its send buffer.
     */
    public static final int STREAMS_PER_CONNECTION = 1;
    /** Free multiplexed connections kept per event loop; more are closed when their stream ends. */
    public static final int FREE_CONNECTIONS_PER_LOOP = 32;

    /** Largest HTTP answer to a WebSocket upgrade the CLI reads: a refusal's JSON body is far smaller. */
    public static final int MAX_UPGRADE_ANSWER = 64 * 1024;

    /** Threads that may wait on the edge's name lookup at once. */
    public static final int RESOLVER_THREADS = 2;

    /**
     * How many times a new stream is dialed when the connection to the edge breaks before the edge
     * answers (a reset or a broken pipe while many clients dial at once); nothing reached the app yet.
     */
    public static final int FIRST_DIAL_ATTEMPTS = 4;
    /** The pause after the first such failure; it doubles after each (with jitter): 0.2, 0.4, 0.8 s. */
    public static final Duration FIRST_DIAL_RETRY_INITIAL = Duration.ofMillis(200);

    /**
     * Unacknowledged bytes a resumable stream keeps for replay to the edge at first; reading the local app
     * stops there until the connector acknowledges some.
     */
    public static final long RESUME_REPLAY_BUFFER = 4L << 20;
    /**
     * The most a stream's replay limit grows to when acknowledgements show the limit holding it back (a long
     * path): the 16 MiB stream window cap, so the replay buffer can keep a grown window full.
     */
    public static final long RESUME_REPLAY_CAP = 16L << 20;
    /** How long {@code access} keeps redialing a broken resumable stream before it gives up. */
    public static final Duration RESUME_GIVE_UP = Duration.ofMinutes(10);
    /** The first pause between redials of a broken resumable stream (the very first redial is at once). */
    public static final Duration RESUME_RETRY_INITIAL = Duration.ofMillis(100);
    /** The longest pause between redials of a broken resumable stream. */
    public static final Duration RESUME_RETRY_MAX = Duration.ofSeconds(5);
    /**
     * How long {@code access} keeps redialing while the edges it reaches answer that the connector holding the
     * stream is not connected to them: an edge that has just restarted waits for the connector to register again
     * (its reconnect backoff is at most 30 s by default); a connector that crashed never comes back.
     */
    public static final Duration RESUME_CONNECTOR_WAIT = Duration.ofSeconds(60);

    /** Bytes {@code access ssh} reads from stdin at a time. */
    public static final int STDIN_CHUNK = 16 * 1024;
    /** Bytes {@code access ssh} lets wait for stdout before it stops reading from the edge. */
    public static final int MAX_STDOUT_BUFFERED = 1 << 20;
    /**
     * How long {@code access ssh} lets the last bytes and the stream's end cross when ssh hangs up on it.
     * It ends as soon as the other end has the end; the bound is for a loaded machine, where 2 s was too
     * short and the connector then held the target for its detach window. ssh does not wait for it.
     */
    public static final Duration STDIO_DRAIN = Duration.ofSeconds(10);

    /** {@code --timeout} when not given: how long to wait for the user to finish signing in. */
    public static final String SIGN_IN_TIMEOUT = "5m";
    /** Beyond the user's own timeout, what a waiter allows another sign-in's holder for discovery and the code exchange. */
    public static final Duration SIGN_IN_HOLDER_OVERHEAD = Duration.ofSeconds(30);
    /** Beyond the connect timeout, how long one request to the edge's authorization server may take. */
    public static final Duration SIGN_IN_REQUEST_OVERHEAD = Duration.ofSeconds(20);
    /** How long the loopback listener waits for the browser's page to be written before it closes. */
    public static final Duration SIGN_IN_PAGE_WRITE = Duration.ofSeconds(2);
    /** How long the loopback listener keeps a browser connection that sends nothing. */
    public static final Duration SIGN_IN_CALLBACK_IDLE = Duration.ofSeconds(30);
    /** Largest request the loopback listener reads: the redirect carries a code and a state only. */
    public static final int MAX_SIGN_IN_CALLBACK = 16 * 1024;
    /** How often a sign-in waits for another process's sign-in lock to come free. */
    public static final Duration SIGN_IN_LOCK_POLL = Duration.ofMillis(50);

    /** {@code access agent --idle} when not given: how long an agent without a front stays up. */
    public static final String AGENT_IDLE_EXIT = "30m";
    /** How often the agent looks at whether its idle time has passed. */
    public static final Duration AGENT_IDLE_CHECK = Duration.ofSeconds(30);
    /** How long a front may take to send its handshake; a front that stalls is refused with a sentence. */
    public static final Duration AGENT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Longest handshake line the agent reads: an argument or an environment variable. */
    public static final int AGENT_MAX_LINE = 8 * 1024;
    /** Most handshake lines the agent reads from one front. */
    public static final int AGENT_MAX_REQUEST_LINES = 256;
    /** Distinct argument lists whose parsed options the agent keeps; past it, it starts over. */
    public static final int AGENT_PARSED_ARGUMENT_LISTS = 64;
    /** How long {@code access agent status}, {@code stop} and {@code access status} wait for the agent. */
    public static final Duration AGENT_ANSWER_TIMEOUT = Duration.ofSeconds(3);
    /** How long {@code access agent --daemon} waits for the new agent to answer. */
    public static final Duration AGENT_START_WAIT = Duration.ofSeconds(15);

    private AccessLimits() {}

    /** How long a SOCKS client may take to send its greeting and CONNECT request before it is dropped. */
    public static final Duration SOCKS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
}
