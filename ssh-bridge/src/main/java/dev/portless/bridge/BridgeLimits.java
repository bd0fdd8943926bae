package dev.portless.bridge;

import java.time.Duration;

/**
 * The bridge's fixed limits in one place. They are not configuration keys on purpose: each has one
 * sensible value for a bastion, and fewer knobs mean fewer ways to weaken it. The certificate clock-skew
 * allowance lives with the check that uses it, {@code CertificateVerifier.CLOCK_SKEW} (60 s).
 */
final class BridgeLimits {

    /** From TCP accept to successful authentication, as sshd's LoginGraceTime but shorter: no one types here. */
    static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);

    /** Keys a client may offer per connection; OpenSSH's MaxAuthTries default. */
    static final int MAX_AUTH_ATTEMPTS = 6;

    /** Dialing a target: the TCP connect to the address the policy chose. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Deciding a destination, DNS lookup included. */
    static final Duration DECISION_TIMEOUT = Duration.ofSeconds(10);

    /** A session with no traffic at all is closed after this long (MINA's default, stated here). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** Channels open at once in one session: ssh -J needs one, an IDE a handful. */
    static final int MAX_CHANNELS_PER_SESSION = 128;

    /** Threads that may wait on DNS at once, and requests queued behind them before refusing. */
    static final int DECISION_THREADS = 8;

    static final int DECISION_QUEUE = 256;

    private BridgeLimits() {}
}
