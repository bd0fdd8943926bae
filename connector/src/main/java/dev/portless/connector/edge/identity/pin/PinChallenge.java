package dev.portless.connector.edge.identity.pin;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * One PIN sent to one address for one browser session: six digits, valid for ten minutes,
 * five tries. Only the PIN's SHA-256 is kept.
 */
public final class PinChallenge {
    /** Tries before the PIN is burnt. */
    public static final int ATTEMPTS = 5;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String email;
    private final byte[] pinHash;
    private final Instant expiresAt;
    private final String returnTo;
    // Guarded by this.
    private int attemptsLeft = ATTEMPTS;

    private PinChallenge(String email, byte[] pinHash, Instant expiresAt, String returnTo) {
        this.email = email;
        this.pinHash = pinHash;
        this.expiresAt = expiresAt;
        this.returnTo = returnTo;
    }

    /** Returns a new PIN (its text, to mail) and the challenge that checks it. */
    static Issued issue(String email, Instant expiresAt, String returnTo) {
        String pin = String.format("%06d", RANDOM.nextInt(1_000_000));
        return new Issued(
                pin,
                new PinChallenge(
                        requireNonNull(email, "email"), sha256(pin), expiresAt, requireNonNull(returnTo, "returnTo")));
    }

    /** Returns the address the PIN went to. */
    public String email() {
        return email;
    }

    /** Returns where the browser goes once signed in. */
    public String returnTo() {
        return returnTo;
    }

    /** Returns the tries left. */
    public synchronized int attemptsLeft() {
        return attemptsLeft;
    }

    /** Returns the outcome of trying {@code pin} at {@code now}; a wrong PIN uses up a try. */
    public synchronized Outcome attempt(String pin, Instant now) {
        if (!now.isBefore(expiresAt)) {
            return Outcome.EXPIRED;
        }
        if (attemptsLeft <= 0) {
            return Outcome.LOCKED;
        }
        String digits = pin == null ? "" : pin.replaceAll("[\\s-]", "");
        if (MessageDigest.isEqual(sha256(digits), pinHash)) {
            attemptsLeft = 0;
            return Outcome.SIGNED_IN;
        }
        attemptsLeft--;
        return attemptsLeft == 0 ? Outcome.LOCKED : Outcome.WRONG;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The result of one try. */
    public enum Outcome {
        /** The PIN matched. */
        SIGNED_IN,
        /** Wrong; tries are left. */
        WRONG,
        /** Wrong too often (or already used). */
        LOCKED,
        /** Past its ten minutes. */
        EXPIRED
    }

    /**
     * A PIN and its challenge.
     *
     * @param pin       the six digits to mail
     * @param challenge the check kept in the session
     */
    record Issued(String pin, PinChallenge challenge) {}
}
