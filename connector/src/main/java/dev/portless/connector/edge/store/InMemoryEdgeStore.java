package dev.portless.connector.edge.store;

import static java.util.Objects.requireNonNull;

import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.connector.edge.policy.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of a single edge, in its own memory: the default, and what every edge had before stores were shared.
 * Only revoked tokens and administrators' sign-outs survive a restart, in the state directory's
 * {@link RevocationFile} when the store was opened with {@link #keptIn}; browser sessions, codes and PIN
 * challenges do not.
 */
public final class InMemoryEdgeStore implements EdgeStore {
    private static final Logger log = LoggerFactory.getLogger(InMemoryEdgeStore.class);
    /** More codes than this and new ones are refused until expired ones are swept. */
    static final int MAX_CODES = 100_000;

    private final Clock clock;
    private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    // Session id's digest → its tokens (jti → exp).
    private final Map<String, Map<String, Instant>> issued = new ConcurrentHashMap<>();
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    // "identity app" → the latest sign-out of that identity from that app.
    private final Map<String, IdentitySignOut> signOuts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, StoredKey>> keys = new ConcurrentHashMap<>();
    // Challenge id digest → the challenge and its PIN's digest.
    private final Map<String, Pin> pins = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, StoredAnonymousSession> anonymous = new ConcurrentHashMap<>();
    private final InMemoryDeviceGrants devices = new InMemoryDeviceGrants(MAX_CODES);
    // Null when nothing is kept across restarts; writes of the file are serialized on it.
    private final RevocationFile kept;
    // This edge's hold on the state directory the file is in; null with the file.
    private final StateDirectoryLock hold;

    /** Returns an empty store that tells expiry by {@code clock} and forgets everything on a restart. */
    public InMemoryEdgeStore(Clock clock) {
        this(clock, null, null);
    }

    private InMemoryEdgeStore(Clock clock, RevocationFile kept, StateDirectoryLock hold) {
        this.clock = requireNonNull(clock, "clock");
        this.kept = kept;
        this.hold = hold;
    }

    /**
     * Returns a store that tells expiry by {@code clock} and keeps its revoked tokens and sign-outs in
     * {@code stateDir} (created 0700 when missing), starting with those a previous run kept there. The store holds
     * the directory's {@link StateDirectoryLock} until it closes: the edge's other state files are there too.
     *
     * @throws UncheckedIOException  with a sentence naming the file or directory when it cannot be used
     * @throws IllegalStateException with a sentence naming the directory when another edge holds it
     */
    public static InMemoryEdgeStore keptIn(Path stateDir, Clock clock) {
        requireNonNull(stateDir, "stateDir");
        try {
            OwnerOnlyFiles.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot use the state directory " + stateDir + ": " + e.getMessage()
                            + " (check state-dir in edge.yml and that the edge may write there)",
                    e);
        }
        StateDirectoryLock hold = StateDirectoryLock.take(stateDir);
        RevocationFile file = RevocationFile.in(stateDir);
        RevocationFile.Contents contents;
        try {
            contents = file.read();
        } catch (RuntimeException e) {
            hold.close();
            throw e;
        }
        InMemoryEdgeStore store = new InMemoryEdgeStore(clock, file, hold);
        store.revoked.putAll(contents.revoked());
        contents.signOuts().forEach(signOut -> store.signOuts.put(signOutKey(signOut), signOut));
        store.expire(clock.instant());
        return store;
    }

    @Override
    public void putSession(StoredSession session) {
        sessions.put(session.id(), session);
    }

    @Override
    public Optional<StoredSession> findSession(String id) {
        StoredSession s = sessions.get(requireNonNull(id, "id"));
        return s != null && s.expiresAt().isAfter(clock.instant()) ? Optional.of(s) : Optional.empty();
    }

    @Override
    public void endSession(String id) {
        sessions.remove(requireNonNull(id, "id"));
        anonymous.remove(id);
    }

    @Override
    public void endSessionByDigest(String sessionDigest) {
        requireNonNull(sessionDigest, "sessionDigest");
        // Only a replayed code comes here: rare enough for a look at every session.
        sessions.keySet().removeIf(id -> EdgeStore.sessionDigest(id).equals(sessionDigest));
        anonymous.keySet().removeIf(id -> EdgeStore.sessionDigest(id).equals(sessionDigest));
    }

    @Override
    public void putAnonymousSession(StoredAnonymousSession session) {
        if (anonymous.size() >= MAX_CODES) {
            expire(clock.instant());
            if (anonymous.size() >= MAX_CODES) {
                throw new IllegalStateException("too many browser sessions");
            }
        }
        anonymous.put(session.id(), session);
    }

    @Override
    public Optional<StoredAnonymousSession> findAnonymousSession(String id) {
        StoredAnonymousSession s = anonymous.get(requireNonNull(id, "id"));
        return s != null && s.expiresAt().isAfter(clock.instant()) ? Optional.of(s) : Optional.empty();
    }

    @Override
    public Optional<StoredPinChallenge> findPinChallenge(String id, Instant now) {
        requireNonNull(now, "now");
        Pin p = pins.get(SecretDigest.sha256(requireNonNull(id, "id")));
        return p != null && now.isBefore(p.challenge().expiresAt()) ? Optional.of(p.challenge()) : Optional.empty();
    }

    @Override
    public boolean putDeviceGrant(String deviceCode, StoredDeviceGrant grant) {
        if (devices.full()) {
            devices.expire(clock.instant());
        }
        return devices.put(deviceCode, grant);
    }

    @Override
    public Optional<StoredDeviceGrant> findDeviceGrant(String userCode, Instant now) {
        return devices.find(userCode, now);
    }

    @Override
    public boolean decideDeviceGrant(
            String userCode, StoredDeviceGrant.Status decision, Identity who, String sessionDigest, Instant now) {
        return devices.decide(userCode, decision, who, sessionDigest, now);
    }

    @Override
    public DevicePoll pollDeviceGrant(String deviceCode, Instant now) {
        return devices.poll(deviceCode, now);
    }

    @Override
    public boolean putCode(CodeKind kind, String code, String payload, Instant expiresAt) {
        requireNonNull(payload, "payload");
        requireNonNull(expiresAt, "expiresAt");
        if (codes.size() >= MAX_CODES) {
            expire(clock.instant());
            if (codes.size() >= MAX_CODES) {
                throw new IllegalStateException("too many codes pending");
            }
        }
        return codes.putIfAbsent(key(kind, code), new Code(payload, expiresAt, false)) == null;
    }

    @Override
    public CodeRedemption redeemCode(CodeKind kind, String code) {
        Code[] before = new Code[1];
        codes.computeIfPresent(key(kind, code), (k, c) -> {
            before[0] = c;
            return new Code(c.payload(), c.expiresAt(), true);
        });
        if (before[0] == null) {
            return CodeRedemption.UNKNOWN;
        }
        return new CodeRedemption(
                before[0].spent() ? CodeRedemption.Outcome.REPLAY : CodeRedemption.Outcome.FIRST,
                Optional.of(before[0].payload()));
    }

    @Override
    public void tokenIssued(String sessionDigest, String jti, Instant expiresAt) {
        issued.computeIfAbsent(requireNonNull(sessionDigest, "sessionDigest"), s -> new ConcurrentHashMap<>())
                .put(requireNonNull(jti, "jti"), requireNonNull(expiresAt, "expiresAt"));
    }

    @Override
    public Set<String> revokeSession(String sessionDigest) {
        Map<String, Instant> tokens = issued.remove(requireNonNull(sessionDigest, "sessionDigest"));
        if (tokens == null) {
            return Set.of();
        }
        revoked.putAll(tokens);
        keep();
        return Set.copyOf(tokens.keySet());
    }

    @Override
    public Set<String> revokedTokens() {
        return Set.copyOf(revoked.keySet());
    }

    @Override
    public void signOut(IdentitySignOut signOut) {
        requireNonNull(signOut, "signOut");
        signOuts.put(signOutKey(signOut), signOut);
        keep();
    }

    @Override
    public List<IdentitySignOut> signOuts() {
        return List.copyOf(signOuts.values());
    }

    @Override
    public boolean addKey(String kind, StoredKey key) {
        return keys.computeIfAbsent(requireNonNull(kind, "kind"), k -> new ConcurrentHashMap<>())
                        .putIfAbsent(key.id(), key)
                == null;
    }

    @Override
    public boolean addKeyUnlessOneSince(String kind, StoredKey key, Instant since) {
        requireNonNull(since, "since");
        Map<String, StoredKey> ofKind =
                keys.computeIfAbsent(requireNonNull(kind, "kind"), k -> new ConcurrentHashMap<>());
        synchronized (ofKind) {
            if (ofKind.values().stream().anyMatch(k -> !k.created().isBefore(since))) {
                return false;
            }
            return ofKind.putIfAbsent(key.id(), key) == null;
        }
    }

    @Override
    public List<StoredKey> keys(String kind) {
        return keys.getOrDefault(requireNonNull(kind, "kind"), new HashMap<>()).values().stream()
                .sorted(Comparator.comparing(StoredKey::created).thenComparing(StoredKey::id))
                .toList();
    }

    @Override
    public void deleteKey(String kind, String id) {
        Map<String, StoredKey> ofKind = keys.get(requireNonNull(kind, "kind"));
        if (ofKind != null) {
            ofKind.remove(requireNonNull(id, "id"));
        }
    }

    @Override
    public boolean putPinChallenge(String id, String pin, StoredPinChallenge challenge) {
        requireNonNull(challenge, "challenge");
        if (challenge.attemptsLeft() < 1) {
            throw new IllegalArgumentException(
                    "attemptsLeft: " + challenge.attemptsLeft() + " (expected: at least 1 for a new PIN)");
        }
        if (pins.size() >= MAX_CODES) {
            expire(clock.instant());
            if (pins.size() >= MAX_CODES) {
                throw new IllegalStateException("too many PIN challenges pending");
            }
        }
        return pins.putIfAbsent(SecretDigest.sha256(id), new Pin(SecretDigest.pin(id, pin), challenge)) == null;
    }

    @Override
    public PinAttempt attemptPin(String id, String pin, Instant now) {
        requireNonNull(now, "now");
        String tried = SecretDigest.pin(id, pin == null ? "" : pin);
        PinAttempt[] result = {PinAttempt.UNKNOWN};
        pins.computeIfPresent(SecretDigest.sha256(id), (k, p) -> {
            StoredPinChallenge c = p.challenge();
            if (!now.isBefore(c.expiresAt()) || c.attemptsLeft() <= 0) {
                result[0] = new PinAttempt(
                        now.isBefore(c.expiresAt()) ? PinAttempt.Outcome.LOCKED : PinAttempt.Outcome.EXPIRED,
                        Optional.of(c));
                return p;
            }
            boolean right = tried.equals(p.digest());
            int left = right ? 0 : c.attemptsLeft() - 1;
            StoredPinChallenge after = new StoredPinChallenge(c.email(), c.returnTo(), left, c.expiresAt());
            PinAttempt.Outcome outcome = right
                    ? PinAttempt.Outcome.SIGNED_IN
                    : left == 0 ? PinAttempt.Outcome.LOCKED : PinAttempt.Outcome.WRONG;
            result[0] = new PinAttempt(outcome, Optional.of(after));
            return new Pin(p.digest(), after);
        });
        return result[0];
    }

    @Override
    public int countInWindow(String bucket, Duration window, Instant now) {
        requireNonNull(window, "window");
        requireNonNull(now, "now");
        if (windows.size() >= MAX_CODES) {
            expire(now);
            if (windows.size() >= MAX_CODES) {
                // Counting is what bounds a flood: with no room left, refuse rather than grow without end.
                return Integer.MAX_VALUE;
            }
        }
        Window w = windows.compute(
                SecretDigest.sha256(requireNonNull(bucket, "bucket")),
                (k, old) -> old == null || !old.endsAt().isAfter(now)
                        ? new Window(1, now.plus(window))
                        : new Window(old.used() + 1, old.endsAt()));
        return w.used();
    }

    @Override
    public void uncountInWindow(String bucket, Instant now) {
        requireNonNull(now, "now");
        windows.computeIfPresent(
                SecretDigest.sha256(requireNonNull(bucket, "bucket")),
                (k, w) -> w.endsAt().isAfter(now) && w.used() > 0 ? new Window(w.used() - 1, w.endsAt()) : w);
    }

    @Override
    public void expire(Instant now) {
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
        anonymous.values().removeIf(s -> !s.expiresAt().isAfter(now));
        devices.expire(now);
        codes.values().removeIf(c -> !c.expiresAt().isAfter(now));
        pins.values().removeIf(p -> !p.challenge().expiresAt().isAfter(now));
        windows.values().removeIf(w -> !w.endsAt().isAfter(now));
        issued.values().forEach(tokens -> tokens.values().removeIf(exp -> exp.isBefore(now)));
        issued.values().removeIf(Map::isEmpty);
        // A verifier allows a minute of clock skew: keep a revocation that long past the token's expiry.
        boolean forgotten = revoked.values().removeIf(exp -> exp.isBefore(now.minusSeconds(60)));
        forgotten |= signOuts.values().removeIf(s -> s.expiresAt().isBefore(now));
        if (forgotten) {
            keep();
        }
    }

    /** Writes the revocations and sign-outs to the file they are kept in, if any; blocks on the disk. */
    private void keep() {
        if (kept == null) {
            return;
        }
        // The snapshot is taken under the lock, so the last write holds every change made before it.
        synchronized (kept) {
            try {
                kept.write(new RevocationFile.Contents(revoked, List.copyOf(signOuts.values())));
            } catch (IOException e) {
                log.error(
                        "Writing {} failed: {}; the revocations and sign-outs hold until the edge restarts, then"
                                + " are forgotten: check the state directory",
                        kept.path(),
                        e.getMessage());
            }
        }
    }

    private static String signOutKey(IdentitySignOut signOut) {
        return signOut.identity() + ' ' + signOut.app();
    }

    @Override
    public void close() {
        // The maps go with the edge; the state directory is free for the next one.
        if (hold != null) {
            hold.close();
        }
    }

    private static String key(CodeKind kind, String code) {
        return requireNonNull(kind, "kind").column() + ':' + requireNonNull(code, "code");
    }

    private record Code(String payload, Instant expiresAt, boolean spent) {}

    private record Pin(String digest, StoredPinChallenge challenge) {}

    private record Window(int used, Instant endsAt) {}
}
