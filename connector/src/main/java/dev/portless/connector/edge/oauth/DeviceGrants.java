package dev.portless.connector.edge.oauth;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.policy.Identity;
import dev.portless.connector.edge.store.DevicePoll;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.StoredDeviceGrant;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The device authorizations in progress (RFC 8628), kept in the edge's store so a device asked at one edge can be
 * approved and redeemed at another: each has a secret device code the CLI
 * polls with and a short user code a person types on the {@code /device} page. User codes are eight
 * letters from an alphabet without vowels or look-alikes ({@value #ALPHABET}: 20^8, about 2.6e10
 * codes), shown as {@code XXXX-XXXX}.
 */
final class DeviceGrants {
    /** The letters of user codes: consonants only, so codes spell no words and no 0/O or 1/I mix-ups. */
    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    /** The polling interval the CLI is given, in seconds. */
    static final int INTERVAL = 5;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration lifetime;
    private final Clock clock;
    private final EdgeStore store;

    /** Returns grants kept in {@code store} that wait {@code lifetime} for approval. */
    DeviceGrants(Duration lifetime, Clock clock, EdgeStore store) {
        this.lifetime = requireNonNull(lifetime, "lifetime");
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
    }

    /**
     * Returns a new pending grant and its device code; blocks on the store, so runs on a web worker.
     *
     * @throws IllegalStateException when too many are pending
     */
    Started start(String app, String client, String userAgent) {
        Instant now = clock.instant();
        while (true) {
            String deviceCode = BrowserSessions.random();
            StoredDeviceGrant grant =
                    StoredDeviceGrant.pending(userCode(), app, client, userAgent, now, now.plus(lifetime), INTERVAL);
            // A taken user code (one in 2.6e10 per pending grant) only means drawing another.
            if (store.putDeviceGrant(deviceCode, grant)) {
                return new Started(deviceCode, grant);
            }
        }
    }

    /** Returns the live grant of a user code as a person typed it (any case, with or without the dash). */
    Optional<StoredDeviceGrant> byUserCode(String typed) {
        return normalize(typed).flatMap(code -> store.findDeviceGrant(code, clock.instant()));
    }

    /**
     * Decides the pending grant of {@code userCode} as {@code decision} by {@code who} in {@code session}; returns
     * false when it was decided before, at this edge or another.
     */
    boolean decide(String userCode, StoredDeviceGrant.Status decision, Identity who, BrowserSession session) {
        return store.decideDeviceGrant(userCode, decision, who, EdgeStore.sessionDigest(session.id()), clock.instant());
    }

    /** Polls the grant of {@code deviceCode}: what the device is told, decided once for every edge. */
    DevicePoll poll(String deviceCode) {
        return store.pollDeviceGrant(deviceCode, clock.instant());
    }

    /**
     * A grant just started.
     *
     * @param deviceCode the secret the device polls with, never stored
     * @param grant      the grant, with its user code
     */
    record Started(String deviceCode, StoredDeviceGrant grant) {}

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
}
