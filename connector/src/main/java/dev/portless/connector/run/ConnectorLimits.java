package dev.portless.connector.run;

import dev.portless.connector.origin.OriginLimits;
import dev.portless.connector.origin.h2.H2Limits;
import java.time.Duration;

/**
 * The run side's timeouts, sizes and the defaults and bounds of its settings, in one place.
 *
 * <p>The settings an operator tunes in {@code connector.yml} ({@code ha-connections},
 * {@code edge-dial-timeout}, {@code retry}, {@code grace-period}) take their defaults and bounds from
 * here; the rest is fixed on purpose. What both ends of the tunnel must agree on stays with the
 * tunnel's HTTP/2 set-up ({@code TunnelHttp2}: stream and connection windows, frame size) and its
 * liveness check ({@code Http2Keepalive}: PING after 15 s idle, dead after 45 s); a target's connect
 * timeout is its ingress rule's; the clock skew allowed on an app token is the token check's.
 */
final class ConnectorLimits {

    /** {@code ha-connections} when absent: tunnel connections per edge. */
    static final int CONNECTIONS_PER_EDGE = 2;
    /** {@code ha-connections}'s bounds. */
    static final int MIN_CONNECTIONS_PER_EDGE = 1;

    static final int MAX_CONNECTIONS_PER_EDGE = 16;

    /** {@code edge-dial-timeout} when absent: the TCP connect to an edge, and the TLS handshake after it. */
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** {@code edge-dial-timeout}'s upper bound. */
    static final Duration MAX_DIAL_TIMEOUT = Duration.ofMinutes(5);

    /** {@code retry.initial} when absent: the first delay before redialing a lost edge. */
    static final Duration RETRY_INITIAL = Duration.ofMillis(500);
    /** {@code retry.max} when absent: the cap on the redial delay, jitter included. */
    static final Duration RETRY_MAX = Duration.ofSeconds(30);
    /** Upper bound of both {@code retry} settings. */
    static final Duration MAX_RETRY = Duration.ofHours(1);

    /** {@code resume-detach-window} when absent: how long a resumable stream's target waits for its client. */
    static final Duration RESUME_DETACH_WINDOW = Duration.ofMinutes(10);
    /** {@code resume-detach-window}'s upper bound. */
    static final Duration MAX_RESUME_DETACH_WINDOW = Duration.ofHours(24);
    /**
     * Unacknowledged bytes a resumable stream keeps for replay to the client at first; reading the target
     * stops there until the client acknowledges some.
     */
    static final long RESUME_REPLAY_BUFFER = 4L << 20;
    /**
     * The most a stream's replay limit grows to when acknowledgements show the limit holding it back (a long
     * path): the 16 MiB stream window cap, so the replay buffer can keep a grown window full.
     */
    static final long RESUME_REPLAY_CAP = 16L << 20;

    /** {@code grace-period} when absent: how long a draining connector waits for open streams. */
    static final Duration GRACE_PERIOD = Duration.ofSeconds(30);
    /** {@code grace-period}'s upper bound. */
    static final Duration MAX_GRACE_PERIOD = Duration.ofHours(1);

    /** Lower bound of every duration setting: zero would mean "no wait at all", never meant. */
    static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    /** How often an edge name's addresses are looked up again, unless {@code edge-dns-refresh} says. */
    static final Duration EDGE_DNS_REFRESH = Duration.ofSeconds(30);

    static final Duration MIN_EDGE_DNS_REFRESH = Duration.ofSeconds(1);
    static final Duration MAX_EDGE_DNS_REFRESH = Duration.ofHours(1);
    /** The port of {@code edge-dns-server} when it names none. */
    static final int DNS_PORT = 53;
    /** How long one look-up of an edge's name may take at {@code edge-dns-server}. */
    static final Duration EDGE_DNS_QUERY_TIMEOUT = Duration.ofSeconds(5);

    /** From TCP connect to the edge's verdict on the tunnel credentials; then the connection is redialed. */
    static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Threads that may wait on name lookups (targets, edges) and JWKS fetches at once. The pool keeps
     * one thread and its queue is unbounded, so in practice lookups run one at a time.
     */
    static final int RESOLVER_THREADS = 8;
    /** How long a resolver thread beyond the first lives without work. */
    static final Duration RESOLVER_THREAD_IDLE = Duration.ofSeconds(30);

    /** How often a draining connector looks whether its streams have ended. */
    static final Duration DRAIN_POLL = Duration.ofMillis(100);
    /** How long the end of a drain waits for the aborted streams' reasons to leave. */
    static final Duration DRAIN_FLUSH = Duration.ofSeconds(2);
    /** How long closing waits for the event loops to finish their work. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The web proxy's fixed sizes: an origin's status line up to 8 KiB and header block up to 64 KiB (past
     * that the request ends with origin_bad_response), body pieces of up to 64 KiB (one tunnel DATA frame),
     * and one epoll thread for unix-socket origins, which only need a loop of the native transport. A
     * request keeps up to 64 KiB of its body for a retry on a new connection (a form or a JSON body; an
     * upload past it is not sent twice). Such a request goes three times at most: its first try on a shared
     * connection may be left out (a GOAWAY, REFUSED_STREAM, a kept connection closed), its second, on a
     * connection of its own, is the first request there and is processed by any origin that takes one
     * request per connection (nginx's {@code keepalive_requests 1}); the third covers an origin that went
     * away in between. More would only delay the 502 from an origin that refuses everything.
     */
    static final OriginLimits ORIGIN = new OriginLimits(8 << 10, 64 << 10, 64 << 10, 1, 64 << 10, 3);

    /**
     * HTTP/2 origins ({@code http2-origin}): 1 MiB of one response in flight before the edge side reads it
     * (what a stalled download holds), 32 MiB for all the streams of a connection, headers up to 64 KiB.
     */
    static final H2Limits ORIGIN_H2 = new H2Limits(1 << 20, 32 << 20, 64 << 10);

    private ConnectorLimits() {}
}
