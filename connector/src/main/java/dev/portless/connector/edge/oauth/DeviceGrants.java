package dev.portless.connector.edge.oauth;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.policy.Identity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device authorizations in progress (RFC 8628): each has a secret device code the CLI
 * polls with and a short user code a person types on the {@code /device} page. User codes are eight
 * letters from an alphabet without vowels or look-alikes ({@value #ALPHABET}: 20^8, about 2.6e10
 * codes), shown as {@code XXXX-XXXX}.
 */
final class DeviceGrants {
    /** The letters of user codes: consonants only, so codes spell no words and no 0/O or 1/I mix-ups. */
    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    /** The polling interval the CLI is given, in seconds. */
    static final int INTERVAL = 5;

    private static final int MAX_GRANTS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, Grant> byDeviceCode = new ConcurrentHashMap<>();
    private final Map<String, Grant> byUserCode = new ConcurrentHashMap<>();
    // Device codes that got their token, kept until they would have expired so a replay is recognised.
    private final Map<String, Grant> redeemed = new ConcurrentHashMap<>();

    /** Returns grants that wait {@code lifetime} for approval. */
    DeviceGrants(Duration lifetime, Clock clock) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Returns a new pending grant; throws when too many are pending. */
    Grant start(String app, String client, String userAgent) {
        if (byDeviceCode.size() >= MAX_GRANTS) {
            sweep();
            if (byDeviceCode.size() >= MAX_GRANTS) {
                throw new IllegalStateException("too many device authorizations pending");
            }
        }
        String userCode;
        Grant grant;
        do {
            userCode = userCode();
            grant = new Grant(
                    BrowserSessions.random(),
                    userCode,
                    app,
                    client,
                    userAgent,
                    clock.instant(),
                    clock.instant().plus(lifetime));
        } while (byUserCode.putIfAbsent(userCode, grant) != null);
        byDeviceCode.put(grant.deviceCode, grant);
        return grant;
    }

    /** Returns the live grant of a user code as a person typed it (any case, with or without the dash). */
    Optional<Grant> byUserCode(String typed) {
        return normalize(typed).map(byUserCode::get).filter(g -> g.live(clock.instant()));
    }

    /** Returns the grant of a device code, live or not. */
    Optional<Grant> byDeviceCode(String deviceCode) {
        return Optional.ofNullable(byDeviceCode.get(deviceCode));
    }

    /** Forgets {@code grant}, whose token was issued, and remembers its device code as spent. */
    void redeemed(Grant grant) {
        remove(grant);
        redeemed.put(grant.deviceCode, grant);
    }

    /** Returns the grant whose token {@code deviceCode} already obtained, if it did. */
    Optional<Grant> spent(String deviceCode) {
        return Optional.ofNullable(redeemed.get(deviceCode));
    }

    /** Forgets {@code grant}: redeemed, denied and reported, or expired. */
    void remove(Grant grant) {
        byDeviceCode.remove(grant.deviceCode, grant);
        byUserCode.remove(grant.userCode, grant);
    }

    void sweep() {
        Instant now = clock.instant();
        redeemed.values().removeIf(g -> g.expiresAt.isBefore(now));
        byDeviceCode.values().removeIf(g -> {
            // Keep expired grants a little so a poll can still be told expired_token.
            boolean gone = g.expiresAt.plus(lifetime).isBefore(now);
            if (gone) {
                byUserCode.remove(g.userCode, g);
            }
            return gone;
        });
    }

    /** Returns {@code typed} as the canonical {@code XXXX-XXXX}, if it can be one. */
    static Optional<String> normalize(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        String letters = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
        if (letters.length() != 8 || !letters.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(letters.substring(0, 4) + "-" + letters.substring(4));
    }

    private static String userCode() {
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** The state of a device authorization. */
    enum Status {
        /** Waiting for a person to approve. */
        PENDING,
        /** Approved; the next poll gets the token. */
        APPROVED,
        /** Denied by the person at the approval page. */
        DENIED,
        /** Refused by the app's policy when the person tried to approve. */
        FORBIDDEN
    }

    /** One device authorization; its mutable state is guarded by its monitor. */
    static final class Grant {
        final String deviceCode;
        final String userCode;
        final String app;
        final String client;
        final String userAgent;
        final Instant createdAt;
        final Instant expiresAt;
        private Status status = Status.PENDING;
        private Identity identity;
        private BrowserSession approvedIn;
        private int interval = INTERVAL;
        private Instant lastPoll;

        Grant(
                String deviceCode,
                String userCode,
                String app,
                String client,
                String userAgent,
                Instant createdAt,
                Instant expiresAt) {
            this.deviceCode = deviceCode;
            this.userCode = userCode;
            this.app = app;
            this.client = client;
            this.userAgent = userAgent;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
        }

        boolean live(Instant now) {
            return now.isBefore(expiresAt);
        }

        synchronized Status status() {
            return status;
        }

        synchronized Identity identity() {
            return identity;
        }

        /** Returns the browser session that decided the grant, or {@code null} while it is pending. */
        synchronized BrowserSession approvedIn() {
            return approvedIn;
        }

        /** Returns whether the grant was pending and is now decided by {@code who} in {@code session}. */
        synchronized boolean decide(Status decision, Identity who, BrowserSession session) {
            if (status != Status.PENDING) {
                return false;
            }
            status = decision;
            identity = who;
            approvedIn = session;
            return true;
        }

        /** Returns the interval the client must keep now, in seconds. */
        synchronized int interval() {
            return interval;
        }

        /** Records a poll; returns whether it came too soon, in which case the interval grows by 5 s. */
        synchronized boolean pollTooSoon(Instant now) {
            // A second of slack: a client that sleeps the interval may still arrive a little early.
            boolean tooSoon = lastPoll != null && now.isBefore(lastPoll.plusSeconds(interval - 1));
            lastPoll = now;
            if (tooSoon) {
                interval += 5;
            }
            return tooSoon;
        }
    }
}
