package dev.portless.connector.edge.identity.session;

import dev.portless.connector.edge.policy.Identity;
import java.time.Instant;
import java.util.Optional;

/**
 * One browser's session at the edge: anonymous until someone signs in, then holding their
 * identity, plus the sign-in in progress. A session is only touched through {@link BrowserSessions}
 * or while holding its monitor ({@code synchronized (session)}), from the edge's web workers.
 */
public final class BrowserSession {
    private final String id;
    private final String csrf;
    private final Identity identity;
    private final Instant expiresAt;
    // Guarded by this.
    private Object pendingSignIn;

    BrowserSession(String id, String csrf, Identity identity, Instant expiresAt) {
        this.id = id;
        this.csrf = csrf;
        this.identity = identity;
        this.expiresAt = expiresAt;
    }

    /** Returns the session's id: the secret its cookie carries, never to be logged. */
    public String id() {
        return id;
    }

    /** Returns the token every form of this session carries, so other sites cannot post on its behalf. */
    public String csrf() {
        return csrf;
    }

    /** Returns who is signed in, if anyone. */
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /** Returns when this session ends. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** Returns the sign-in in progress of type {@code type}, if that is what is pending. */
    public synchronized <T> Optional<T> pending(Class<T> type) {
        return type.isInstance(pendingSignIn) ? Optional.of(type.cast(pendingSignIn)) : Optional.empty();
    }

    /**
     * Sets the sign-in in progress at this edge (a PIN challenge, which other edges find by its cookie), replacing
     * any other.
     */
    public synchronized void beginSignIn(Object signIn) {
        pendingSignIn = java.util.Objects.requireNonNull(signIn, "signIn");
    }

    /** Forgets the sign-in in progress. */
    public synchronized void clearSignIn() {
        pendingSignIn = null;
    }
}
