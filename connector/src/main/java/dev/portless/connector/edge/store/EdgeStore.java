package dev.portless.connector.edge.store;

import dev.portless.connector.edge.policy.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sign-in state several edges of one service must share: browser sessions (signed in or not), single-use
 * codes, sign-ins in progress (PIN challenges, device authorizations, OIDC logins), the tokens each session led
 * to and their revocations, and long-lived keys. Every operation may block (a
 * database round trip): call it from the edge's web workers or its maintenance thread, never from an event
 * loop.
 *
 * <p>Each operation throws {@link StoreUnavailableException} when the store cannot be reached; the edge
 * answers that sign-in request with a 503 page and tries the store again on the next request.
 */
public interface EdgeStore extends AutoCloseable {

    /** Stores {@code session}, replacing none: session ids are random. */
    void putSession(StoredSession session);

    /** Returns the session named {@code id} unless it ended or expired. */
    Optional<StoredSession> findSession(String id);

    /** Ends the session named {@code id}, signed in or anonymous, if it exists. */
    void endSession(String id);

    /**
     * Ends the signed-in or anonymous browser session whose digest ({@link #sessionDigest}) is {@code sessionDigest}:
     * what a replayed code names, since no stored payload keeps a session's id.
     */
    void endSessionByDigest(String sessionDigest);

    /**
     * Returns the digest under which a code's or a device authorization's payload and the issued tokens name the
     * browser session {@code sessionId}: a session id is a bearer secret (its cookie), so the store keeps none in
     * clear.
     */
    static String sessionDigest(String sessionId) {
        return SecretDigest.sha256(java.util.Objects.requireNonNull(sessionId, "sessionId"));
    }

    /**
     * Stores a single-use {@code code} of {@code kind} with what it stands for; returns false, storing nothing,
     * when that code already exists.
     */
    boolean putCode(CodeKind kind, String code, String payload, Instant expiresAt);

    /**
     * Spends {@code code}: the first call anywhere returns {@link CodeRedemption.Outcome#FIRST} with its payload,
     * every later call, at any edge sharing this store, {@link CodeRedemption.Outcome#REPLAY}, until the code
     * would have expired.
     */
    CodeRedemption redeemCode(CodeKind kind, String code);

    /**
     * Records that the token {@code jti} (valid until {@code expiresAt}) was issued on the authority of the session
     * whose {@link #sessionDigest} is {@code sessionDigest}.
     */
    void tokenIssued(String sessionDigest, String jti, Instant expiresAt);

    /** Revokes every token issued on the authority of the session named by {@code sessionDigest}; returns their ids. */
    Set<String> revokeSession(String sessionDigest);

    /** Returns the ids of every revoked token that has not yet expired. */
    Set<String> revokedTokens();

    /**
     * Records {@code signOut}; a later sign-out of the same identity and app replaces it, since it refuses all the
     * earlier one did.
     */
    void signOut(IdentitySignOut signOut);

    /** Returns every administrator's sign-out not yet expired. */
    List<IdentitySignOut> signOuts();

    /** Adds {@code key} of {@code kind}; returns false, storing nothing, when a key with its id exists. */
    boolean addKey(String kind, StoredKey key);

    /**
     * Adds {@code key} of {@code kind} unless a key of that kind created at or after {@code since} is already there,
     * in one step for every edge of the store: two edges that find the newest key due at the same moment add one
     * key between them, not one each. Returns false, storing nothing, when such a key (or one with its id) exists.
     */
    boolean addKeyUnlessOneSince(String kind, StoredKey key, Instant since);

    /** Returns the keys of {@code kind}, oldest first. */
    List<StoredKey> keys(String kind);

    /** Deletes the key {@code id} of {@code kind}. */
    void deleteKey(String kind, String id);

    /**
     * Stores the PIN challenge {@code id} whose PIN is {@code pin}; returns false, storing nothing, when a
     * challenge with that id exists. Only a digest of the PIN, bound to the id, is kept.
     */
    boolean putPinChallenge(String id, String pin, StoredPinChallenge challenge);

    /**
     * Tries {@code pin} against challenge {@code id} at {@code now}: a wrong PIN uses up one try and a right one
     * every try, at once for every edge sharing this store, so tries at several edges add up to one limit.
     */
    PinAttempt attemptPin(String id, String pin, Instant now);

    /**
     * Counts one use of {@code bucket} in its current fixed window of length {@code window}, starting a new window
     * when the last one ended; returns whether the uses in this window, across every edge, are at most
     * {@code limit}.
     */
    default boolean takeFromWindow(String bucket, int limit, Duration window, Instant now) {
        return countInWindow(bucket, window, now) <= limit;
    }

    /**
     * Counts one use of {@code bucket} in its current fixed window of length {@code window}, starting a new window
     * when the last one ended; returns the uses in this window so far, across every edge, this one included
     * ({@link Integer#MAX_VALUE} when the store has no room left to count, which a limit must treat as spent).
     */
    int countInWindow(String bucket, Duration window, Instant now);

    /**
     * Takes back one use of {@code bucket} counted in its current window, for a use that turned out not to count
     * (a device code typed right); does nothing when that window ended or holds no use.
     */
    void uncountInWindow(String bucket, Instant now);

    /** Stores the anonymous browser session {@code session}, replacing none: session ids are random. */
    void putAnonymousSession(StoredAnonymousSession session);

    /** Returns the anonymous session named {@code id} unless it ended or expired. */
    Optional<StoredAnonymousSession> findAnonymousSession(String id);

    /** Returns PIN challenge {@code id} with the tries it has left, unless it expired at {@code now}. */
    Optional<StoredPinChallenge> findPinChallenge(String id, Instant now);

    /**
     * Stores a device authorization under {@code deviceCode} and its user code; returns false, storing nothing,
     * when either code is taken. Only digests of the two codes are kept.
     */
    boolean putDeviceGrant(String deviceCode, StoredDeviceGrant grant);

    /** Returns the unexpired device authorization whose user code is {@code userCode} ({@code XXXX-XXXX}). */
    Optional<StoredDeviceGrant> findDeviceGrant(String userCode, Instant now);

    /**
     * Decides the pending, unexpired device authorization of {@code userCode} as {@code decision}, by {@code who}
     * in the browser session whose {@link #sessionDigest} is {@code sessionDigest}; returns false when it was decided
     * before, here or at another edge.
     */
    boolean decideDeviceGrant(
            String userCode, StoredDeviceGrant.Status decision, Identity who, String sessionDigest, Instant now);

    /**
     * Polls the device authorization of {@code deviceCode} at {@code now}, for every edge at once: an approved one
     * is redeemed by exactly one poll, and every later poll anywhere is a {@link DevicePoll.Outcome#REPLAY}.
     */
    DevicePoll pollDeviceGrant(String deviceCode, Instant now);

    /**
     * Forgets sessions, codes, PIN challenges, device authorizations, rate windows, issued tokens, revocations and
     * sign-outs that expired before {@code now}.
     */
    void expire(Instant now);

    /** Releases the store's connections. */
    @Override
    void close();
}
