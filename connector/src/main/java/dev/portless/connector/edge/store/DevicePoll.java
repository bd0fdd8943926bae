package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What one poll of a device code found, decided at once for every edge sharing the store: the approved code
 * yields its token to exactly one poll anywhere.
 *
 * @param outcome what the device is told
 * @param grant   the authorization as it stands after the poll, unless the code is unknown
 */
public record DevicePoll(Outcome outcome, Optional<StoredDeviceGrant> grant) {
    /** The poll of a device code nobody issued (or one swept long after it expired). */
    public static final DevicePoll UNKNOWN = new DevicePoll(Outcome.UNKNOWN, Optional.empty());

    /** Checks that no component is null and that only an unknown code has no authorization. */
    public DevicePoll {
        requireNonNull(outcome, "outcome");
        requireNonNull(grant, "grant");
        if (grant.isEmpty() != (outcome == Outcome.UNKNOWN)) {
            throw new IllegalArgumentException("grant: " + grant + " (expected: present unless UNKNOWN)");
        }
    }

    /**
     * Returns the poll of {@code before} at {@code now}, and so the state the store keeps after it: a poll sooner
     * than the interval (less a second of slack, for clients that sleep exactly the interval) widens the
     * interval by 5 s (RFC 8628 §3.5, slow_down); the first poll of an approved code redeems it.
     */
    static DevicePoll of(StoredDeviceGrant before, Instant now) {
        requireNonNull(now, "now");
        StoredDeviceGrant.Status status = before.status();
        if (status == StoredDeviceGrant.Status.REDEEMED) {
            return new DevicePoll(Outcome.REPLAY, Optional.of(before));
        }
        if (!now.isBefore(before.expiresAt())) {
            return new DevicePoll(Outcome.EXPIRED, Optional.of(before));
        }
        boolean tooSoon = before.lastPoll()
                .map(last -> now.isBefore(last.plusSeconds(before.interval() - 1L)))
                .orElse(false);
        if (tooSoon) {
            return new DevicePoll(Outcome.SLOW_DOWN, Optional.of(before.polled(status, before.interval() + 5, now)));
        }
        return switch (status) {
            case PENDING -> new DevicePoll(Outcome.PENDING, Optional.of(before.polled(status, before.interval(), now)));
            case DENIED -> new DevicePoll(Outcome.DENIED, Optional.of(before));
            case FORBIDDEN -> new DevicePoll(Outcome.FORBIDDEN, Optional.of(before));
            default ->
                new DevicePoll(
                        Outcome.APPROVED,
                        Optional.of(before.polled(StoredDeviceGrant.Status.REDEEMED, before.interval(), now)));
        };
    }

    /**
     * Whether the store forgets the authorization after this poll: once a denial, a refusal or an expiry was
     * told, there is nothing more to tell.
     */
    boolean ends() {
        return outcome == Outcome.EXPIRED || outcome == Outcome.DENIED || outcome == Outcome.FORBIDDEN;
    }

    /** Whether the poll changed what the store keeps. */
    boolean changes() {
        return outcome == Outcome.PENDING || outcome == Outcome.SLOW_DOWN || outcome == Outcome.APPROVED;
    }

    /** What a poll of a device code tells the device. */
    public enum Outcome {
        /** Nobody approved yet: authorization_pending. */
        PENDING,
        /** Polled too soon: slow_down, with the wider interval. */
        SLOW_DOWN,
        /** Approved: this poll, and no other anywhere, gets the token. */
        APPROVED,
        /** Denied by the person asked. */
        DENIED,
        /** Refused by the app's policy. */
        FORBIDDEN,
        /** Expired before anyone approved it. */
        EXPIRED,
        /** The token was issued before, here or at another edge. */
        REPLAY,
        /** No such device code. */
        UNKNOWN
    }
}
