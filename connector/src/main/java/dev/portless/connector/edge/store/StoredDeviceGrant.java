package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;
import java.util.Optional;

/**
 * A device authorization (RFC 8628) as every edge sees it. The store names it by the digests of its device code
 * and its user code; neither code is kept.
 *
 * @param userCode   the code a person types, as {@code XXXX-XXXX}; empty when read back by device code
 * @param app        the app the device asks for
 * @param client     the address the device asked from
 * @param userAgent  the software the device named
 * @param createdAt  when the device asked
 * @param expiresAt  when the device code stops working unless approved and redeemed before
 * @param status     where the authorization stands
 * @param identity   who decided it, once decided
 * @param sessionDigest the digest of the browser session it was decided in, once decided, so a replay can end it
 * @param interval   the polling interval the device must keep, in seconds
 * @param lastPoll   when the device last polled, if it did
 */
public record StoredDeviceGrant(
        String userCode,
        String app,
        String client,
        String userAgent,
        Instant createdAt,
        Instant expiresAt,
        Status status,
        Optional<Identity> identity,
        Optional<String> sessionDigest,
        int interval,
        Optional<Instant> lastPoll) {

    /** Checks that no component is null. */
    public StoredDeviceGrant {
        requireNonNull(userCode, "userCode");
        requireNonNull(app, "app");
        requireNonNull(client, "client");
        requireNonNull(userAgent, "userAgent");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(status, "status");
        requireNonNull(identity, "identity");
        requireNonNull(sessionDigest, "sessionDigest");
        requireNonNull(lastPoll, "lastPoll");
    }

    /** Returns a new pending authorization that asks to be polled every {@code interval} seconds. */
    public static StoredDeviceGrant pending(
            String userCode,
            String app,
            String client,
            String userAgent,
            Instant createdAt,
            Instant expiresAt,
            int interval) {
        return new StoredDeviceGrant(
                userCode,
                app,
                client,
                userAgent,
                createdAt,
                expiresAt,
                Status.PENDING,
                Optional.empty(),
                Optional.empty(),
                interval,
                Optional.empty());
    }

    /** Returns this authorization decided as {@code decision} by {@code who} in the session {@code sessionDigest} names. */
    StoredDeviceGrant decided(Status decision, Identity who, String sessionDigest) {
        return with(decision, Optional.of(who), Optional.of(sessionDigest), interval, lastPoll);
    }

    /** Returns this authorization as it stands after a poll at {@code now}. */
    StoredDeviceGrant polled(Status after, int newInterval, Instant now) {
        return with(after, identity, sessionDigest, newInterval, Optional.of(now));
    }

    private StoredDeviceGrant with(
            Status newStatus,
            Optional<Identity> newIdentity,
            Optional<String> newSessionDigest,
            int newInterval,
            Optional<Instant> newLastPoll) {
        return new StoredDeviceGrant(
                userCode,
                app,
                client,
                userAgent,
                createdAt,
                expiresAt,
                newStatus,
                newIdentity,
                newSessionDigest,
                newInterval,
                newLastPoll);
    }

    /**
     * Returns until when the store keeps it: a lifetime past its expiry, so a late poll is still told the code
     * expired, and a redeemed code's replay is still recognised.
     */
    Instant keptUntil() {
        return expiresAt.plus(java.time.Duration.between(createdAt, expiresAt));
    }

    /** Where a device authorization stands. */
    public enum Status {
        /** Waiting for a person to approve. */
        PENDING,
        /** Approved; the next poll gets the token. */
        APPROVED,
        /** Denied by the person at the approval page. */
        DENIED,
        /** Refused by the app's policy when the person tried to approve. */
        FORBIDDEN,
        /** Its token was issued: any further poll is a replay. */
        REDEEMED
    }
}
