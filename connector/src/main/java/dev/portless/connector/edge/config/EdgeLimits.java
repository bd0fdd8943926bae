package dev.portless.connector.edge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The edge's limits in one place: the timeouts, sizes, pool bounds, rate limits and lifetimes that
 * guard the public listener, the tunnel listener and the sign-in. Most are not keys of
 * {@code edge.yml} on purpose: each has one sensible value for a public edge, and fewer knobs mean
 * fewer ways to weaken it. The client flood limits are the exception ({@code limits} in
 * {@code edge.yml}, read by {@code ClientLimitsReader}): how many connections and requests one
 * address or identity needs depends on who sits behind it (an office behind one NAT, a CI fleet with
 * one service token). Start-up hands {@link #DEFAULTS} to the pipelines and features that
 * enforce them. Values a protocol fixes stay with the code that speaks it: the WebSocket frame sizes
 * ({@code WebSocketStreamAdapter}), HTTP/2 windows and stream counts ({@code MultiplexedHttp2},
 * {@code TunnelHttp2}, {@code BrowserHttp2}), the device flow's polling interval (RFC 8628), and the app token's clock skew
 * ({@code AppTokenVerifier}).
 *
 * @param tlsHandshakeTimeout       a client's TLS handshake
 * @param requestTimeout            from the handshake to a client's complete first request (an upgrade
 *                                  or a page); a multiplexed connection drops it and relies on keepalives
 * @param maxRequestBytes           the largest HTTP/1.1 request a client may send, headers and body
 * @param acceptBacklog             connections the kernel queues for either listener before accepting
 * @param tunnelHandshakeTimeout    a connector's TLS handshake, and again its registration
 * @param streamOpenTimeout         how long the edge waits for a connector to dial a target; above any
 *                                  ingress rule's connect timeout
 * @param webWorkers                threads that answer the edge's pages, never an event loop
 * @param webQueue                  page requests queued behind them before the edge answers 503
 * @param identityProviderTimeout   connecting to an upstream OIDC provider
 * @param pinMailsPerSession        PIN mails one browser may request
 * @param pinMailsPerEmail          PIN mails to one address
 * @param pinMailsPerClient         PIN mails requested from one client address
 * @param pinMailsPerEdge           PIN mails the whole edge sends
 * @param pinLifetime               how long a mailed PIN works
 * @param authorizationCodeLifetime how long an OAuth authorization code waits to be redeemed
 * @param deviceStarts              device authorizations one client address may start
 * @param deviceCodeGuesses         user codes the whole edge checks on the device page
 * @param deviceCodeLifetime        how long a device authorization waits for approval
 * @param maxRequestLineBytes       the longest HTTP/1.1 request line (method, target, version)
 * @param maxRequestHeaderBytes     the largest HTTP/1.1 header block, and a browser's h2 header list
 *                                  (SETTINGS_MAX_HEADER_LIST_SIZE); more is answered 431
 * @param webResponseTimeout        how long a web-app request waits for the response head, as long
 *                                  polls need (the connector answers {@code origin_timeout} first
 *                                  when the origin does not connect)
 * @param appSignInStateLifetime    how long the state cookie of a web app's sign-in lasts
 * @param appCodeLifetime           how long the code a web app's callback redeems waits
 * @param browserIdleTimeout        how long a browser's h2 connection may carry no request before the
 *                                  edge closes it (with GOAWAY; the keepalive's PINGs alone would keep
 *                                  it open for good)
 * @param auditQueue                audit records waiting for the disk at most; beyond it records
 *                                  are dropped and counted, so a slow disk never stalls a stream
 * @param requestHeadTimeout        how long a client may take to send a complete request head once
 *                                  the connection is ready for it (a slow sender is answered 408)
 * @param connectionsPerClient      client connections one address may hold open at once (more are
 *                                  answered 429)
 * @param streamOpensPerClient      streams one address may have being opened (in-flight handshakes
 *                                  with a connector) at once (more are answered 503)
 * @param streamsPerIdentity        streams one identity (a user or a service token) may hold open at
 *                                  once (more are answered 429)
 * @param webRequestsPerClient      web-app requests (HTTP/1.1 or h2) one address may have in flight
 *                                  at once (more are answered 429)
 * @param webRequestsPerIdentity    web-app requests one identity (a user or a service token) may have
 *                                  in flight at once (more are answered 429)
 */
public record EdgeLimits(
        Duration tlsHandshakeTimeout,
        Duration requestTimeout,
        int maxRequestBytes,
        int acceptBacklog,
        Duration tunnelHandshakeTimeout,
        Duration streamOpenTimeout,
        int webWorkers,
        int webQueue,
        Duration identityProviderTimeout,
        RateLimit pinMailsPerSession,
        RateLimit pinMailsPerEmail,
        RateLimit pinMailsPerClient,
        RateLimit pinMailsPerEdge,
        Duration pinLifetime,
        Duration authorizationCodeLifetime,
        RateLimit deviceStarts,
        RateLimit deviceCodeGuesses,
        Duration deviceCodeLifetime,
        int maxRequestLineBytes,
        int maxRequestHeaderBytes,
        Duration webResponseTimeout,
        Duration appSignInStateLifetime,
        Duration appCodeLifetime,
        Duration browserIdleTimeout,
        int auditQueue,
        Duration requestHeadTimeout,
        int connectionsPerClient,
        int streamOpensPerClient,
        int streamsPerIdentity,
        int webRequestsPerClient,
        int webRequestsPerIdentity) {
    /** {@code --drain-timeout} when absent: how long SIGTERM lets open streams finish. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** {@code --drain-timeout}'s upper bound. */
    public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofHours(1);
    /** The shortest {@code max-stream-duration} or {@code idle-timeout} an app may set. */
    public static final Duration MIN_STREAM_TIMEOUT = Duration.ofSeconds(1);
    /** The longest {@code max-stream-duration} or {@code idle-timeout} an app may set. */
    public static final Duration MAX_STREAM_TIMEOUT = Duration.ofDays(30);

    /**
     * TLS handshakes in progress on one listener (the client listener, the tunnel listener) before it
     * stops accepting until one ends, so the kernel's backlog ({@code acceptBacklog}) holds the rest:
     * 64 per core, at least 256. A handshake costs the edge under a millisecond of one core (an ECDSA
     * signature and a key exchange; docs/benchmarks.md has 767 new connections a second, each a handshake
     * and more, on two cores shared by three programs), so those in progress finish within a fraction of a
     * client's patience even on a loaded machine, where thousands at once would each take seconds and
     * time out together. A connection that never speaks holds its place until the handshake timeout cuts
     * it.
     */
    public static final int HANDSHAKES_IN_PROGRESS =
            Math.max(256, 64 * Runtime.getRuntime().availableProcessors());

    /**
     * Web-app request lines waiting for the log writer at most; beyond it lines are dropped and
     * counted, since an event loop never waits for the log.
     */
    public static final int ACCESS_LOG_QUEUE = 8192;

    /**
     * How long the log writer waits after writing before it looks for more web-app request lines: the
     * lines of a busy edge are written in batches, not with a thread woken for every request.
     */
    public static final Duration ACCESS_LOG_PAUSE = Duration.ofMillis(20);

    /**
     * The largest revocation list a single edge reads back at start (a JSON line of about 100 bytes per revoked
     * token or sign-out): a file this large was not written by the edge.
     */
    public static final int MAX_REVOCATION_FILE_BYTES = 64 * 1024 * 1024;

    /** The limits every edge runs with. */
    public static final EdgeLimits DEFAULTS = new EdgeLimits(
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            64 * 1024,
            4096,
            Duration.ofSeconds(10),
            Duration.ofMinutes(5).plusSeconds(10),
            4,
            256,
            Duration.ofSeconds(10),
            new RateLimit(3, Duration.ofMinutes(10)),
            new RateLimit(5, Duration.ofHours(1)),
            new RateLimit(30, Duration.ofMinutes(10)),
            new RateLimit(60, Duration.ofMinutes(1)),
            Duration.ofMinutes(10),
            Duration.ofSeconds(60),
            new RateLimit(30, Duration.ofMinutes(10)),
            new RateLimit(100, Duration.ofMinutes(1)),
            Duration.ofMinutes(10),
            8 * 1024,
            32 * 1024,
            Duration.ofSeconds(100),
            Duration.ofMinutes(10),
            Duration.ofSeconds(60),
            Duration.ofMinutes(3),
            65_536,
            Duration.ofSeconds(10),
            // One access tcp holds a TLS connection per local connection it carries, and an office's
            // people can share one address: the address limits leave room for hundreds of parallel
            // connections and still stop one address from taking the edge's descriptors.
            1024,
            256,
            4096,
            // A browser holds a few hundred requests in flight at most, and 200 parallel curls stay
            // far below: only a flood from one address or one identity reaches these.
            1024,
            4096);

    /** Checks that no component is null and that every count is positive. */
    public EdgeLimits {
        requireNonNull(tlsHandshakeTimeout, "tlsHandshakeTimeout");
        requireNonNull(requestTimeout, "requestTimeout");
        positive("maxRequestBytes", maxRequestBytes);
        positive("acceptBacklog", acceptBacklog);
        requireNonNull(tunnelHandshakeTimeout, "tunnelHandshakeTimeout");
        requireNonNull(streamOpenTimeout, "streamOpenTimeout");
        positive("webWorkers", webWorkers);
        positive("webQueue", webQueue);
        positive("auditQueue", auditQueue);
        requireNonNull(identityProviderTimeout, "identityProviderTimeout");
        requireNonNull(pinMailsPerSession, "pinMailsPerSession");
        requireNonNull(pinMailsPerEmail, "pinMailsPerEmail");
        requireNonNull(pinMailsPerClient, "pinMailsPerClient");
        requireNonNull(pinMailsPerEdge, "pinMailsPerEdge");
        requireNonNull(pinLifetime, "pinLifetime");
        requireNonNull(authorizationCodeLifetime, "authorizationCodeLifetime");
        requireNonNull(deviceStarts, "deviceStarts");
        requireNonNull(deviceCodeGuesses, "deviceCodeGuesses");
        requireNonNull(deviceCodeLifetime, "deviceCodeLifetime");
        positive("maxRequestLineBytes", maxRequestLineBytes);
        positive("maxRequestHeaderBytes", maxRequestHeaderBytes);
        requireNonNull(webResponseTimeout, "webResponseTimeout");
        requireNonNull(appSignInStateLifetime, "appSignInStateLifetime");
        requireNonNull(appCodeLifetime, "appCodeLifetime");
        requireNonNull(browserIdleTimeout, "browserIdleTimeout");
        requireNonNull(requestHeadTimeout, "requestHeadTimeout");
        positive("connectionsPerClient", connectionsPerClient);
        positive("streamOpensPerClient", streamOpensPerClient);
        positive("streamsPerIdentity", streamsPerIdentity);
        positive("webRequestsPerClient", webRequestsPerClient);
        positive("webRequestsPerIdentity", webRequestsPerIdentity);
    }

    /**
     * Returns these limits with the client flood limits an operator may set under {@code limits} in
     * {@code edge.yml} replaced.
     */
    public EdgeLimits withClientLimits(
            int connectionsPerClient,
            int streamOpensPerClient,
            int streamsPerIdentity,
            int webRequestsPerClient,
            int webRequestsPerIdentity) {
        return new EdgeLimits(
                tlsHandshakeTimeout,
                requestTimeout,
                maxRequestBytes,
                acceptBacklog,
                tunnelHandshakeTimeout,
                streamOpenTimeout,
                webWorkers,
                webQueue,
                identityProviderTimeout,
                pinMailsPerSession,
                pinMailsPerEmail,
                pinMailsPerClient,
                pinMailsPerEdge,
                pinLifetime,
                authorizationCodeLifetime,
                deviceStarts,
                deviceCodeGuesses,
                deviceCodeLifetime,
                maxRequestLineBytes,
                maxRequestHeaderBytes,
                webResponseTimeout,
                appSignInStateLifetime,
                appCodeLifetime,
                browserIdleTimeout,
                auditQueue,
                requestHeadTimeout,
                connectionsPerClient,
                streamOpensPerClient,
                streamsPerIdentity,
                webRequestsPerClient,
                webRequestsPerIdentity);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
    }

    /**
     * At most {@code events} per key in each fixed {@code window}.
     *
     * @param events the events allowed per window
     * @param window the window's length
     */
    public record RateLimit(int events, Duration window) {
        /** Checks the count and the window. */
        public RateLimit {
            positive("events", events);
            requireNonNull(window, "window");
        }
    }
}
