package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory store's device authorizations: by the digest of the device code, with an index by the digest of
 * the user code. Each change runs inside the map's {@code compute} for its device code, so it is atomic.
 */
final class InMemoryDeviceGrants {
    private final int max;
    // Device code digest → the authorization.
    private final Map<String, StoredDeviceGrant> grants = new ConcurrentHashMap<>();
    // User code digest → device code digest.
    private final Map<String, String> byUser = new ConcurrentHashMap<>();

    InMemoryDeviceGrants(int max) {
        this.max = max;
    }

    boolean full() {
        return grants.size() >= max;
    }

    boolean put(String deviceCode, StoredDeviceGrant grant) {
        requireNonNull(grant, "grant");
        if (full()) {
            throw new IllegalStateException("too many device authorizations pending");
        }
        String device = SecretDigest.sha256(requireNonNull(deviceCode, "deviceCode"));
        if (byUser.putIfAbsent(SecretDigest.sha256(grant.userCode()), device) != null) {
            return false;
        }
        if (grants.putIfAbsent(device, grant) != null) {
            byUser.remove(SecretDigest.sha256(grant.userCode()), device);
            return false;
        }
        return true;
    }

    Optional<StoredDeviceGrant> find(String userCode, Instant now) {
        requireNonNull(now, "now");
        String device = byUser.get(SecretDigest.sha256(requireNonNull(userCode, "userCode")));
        StoredDeviceGrant g = device == null ? null : grants.get(device);
        return g != null && now.isBefore(g.expiresAt()) ? Optional.of(g) : Optional.empty();
    }

    boolean decide(
            String userCode, StoredDeviceGrant.Status decision, Identity who, String sessionDigest, Instant now) {
        requireNonNull(decision, "decision");
        requireNonNull(who, "who");
        requireNonNull(sessionDigest, "sessionDigest");
        requireNonNull(now, "now");
        String device = byUser.get(SecretDigest.sha256(requireNonNull(userCode, "userCode")));
        if (device == null) {
            return false;
        }
        boolean[] decided = {false};
        grants.computeIfPresent(device, (k, g) -> {
            if (g.status() != StoredDeviceGrant.Status.PENDING || !now.isBefore(g.expiresAt())) {
                return g;
            }
            decided[0] = true;
            return g.decided(decision, who, sessionDigest);
        });
        return decided[0];
    }

    DevicePoll poll(String deviceCode, Instant now) {
        String device = SecretDigest.sha256(requireNonNull(deviceCode, "deviceCode"));
        DevicePoll[] result = {DevicePoll.UNKNOWN};
        grants.computeIfPresent(device, (k, g) -> {
            DevicePoll poll = DevicePoll.of(g, now);
            result[0] = poll;
            if (poll.ends()) {
                byUser.remove(SecretDigest.sha256(g.userCode()), device);
                return null;
            }
            return poll.grant().orElseThrow();
        });
        return result[0];
    }

    void expire(Instant now) {
        grants.entrySet().removeIf(e -> {
            boolean gone = !e.getValue().keptUntil().isAfter(now);
            if (gone) {
                byUser.remove(SecretDigest.sha256(e.getValue().userCode()), e.getKey());
            }
            return gone;
        });
    }
}
