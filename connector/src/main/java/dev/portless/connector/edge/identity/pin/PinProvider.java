package dev.portless.connector.edge.identity.pin;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.EdgeLimits;
import dev.portless.connector.edge.config.EdgeLimits.RateLimit;
import dev.portless.connector.edge.identity.RateLimiter;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.store.EdgeStore;
import dev.portless.connector.edge.store.StoredPinChallenge;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in one-time PIN provider: it mails a PIN to the address a person types and keeps the challenge in
 * the edge's store, so any edge sharing that store can check it and the tries add up at all of them; the
 * browser session and the {@value #COOKIE} cookie carry only the challenge's id. Mails are rate-limited per browser, per address, per client
 * address and for the whole edge, so the edge cannot be turned into a mail cannon. The per-browser, per-address
 * and per-client windows are kept in the edge's store, so edges sharing a store count them together; the
 * whole-edge limit stays each edge's own.
 */
public final class PinProvider {
    /** Tries before the PIN is burnt, across every edge sharing the store. */
    public static final int ATTEMPTS = 5;
    /**
     * The cookie naming the challenge, so an edge that does not know the browser's anonymous session can still
     * check its PIN; SameSite=Strict keeps other sites from posting a PIN on the browser's behalf.
     */
    public static final String COOKIE = "__Host-portless-pin";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(PinProvider.class);
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
            + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    private final String name;
    private final String displayName;
    private final PinMailer mailer;
    private final Clock clock;
    private final EdgeStore store;
    private final RateLimit perSession;
    private final RateLimit perEmail;
    private final RateLimit perClient;
    private final RateLimiter global;
    private final Duration lifetime;

    /**
     * Returns a provider named {@code name} delivering through {@code mailer}, within {@code limits} counted in
     * {@code store}.
     */
    public PinProvider(
            String name, String displayName, PinMailer mailer, EdgeLimits limits, EdgeStore store, Clock clock) {
        this.name = requireNonNull(name, "name");
        this.displayName = requireNonNull(displayName, "displayName");
        this.mailer = requireNonNull(mailer, "mailer");
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
        this.perSession = limits.pinMailsPerSession();
        this.perEmail = limits.pinMailsPerEmail();
        this.perClient = limits.pinMailsPerClient();
        this.global = new RateLimiter(limits.pinMailsPerEdge(), clock);
        this.lifetime = limits.pinLifetime();
    }

    /** Returns the provider's name. */
    public String name() {
        return name;
    }

    /** Returns the label on the sign-in page. */
    public String displayName() {
        return displayName;
    }

    /** Returns the Set-Cookie value that names the challenge of {@code signIn}, for as long as its PIN works. */
    public String cookie(PinSignIn signIn) {
        return COOKIE + "=" + signIn.challengeId() + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age="
                + lifetime.toSeconds();
    }

    /** Returns the Set-Cookie value that removes the challenge cookie. */
    public static String clearedCookie() {
        return COOKIE + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    /**
     * Mails a new PIN to {@code email} and makes it {@code session}'s pending sign-in; returns null on
     * success, else the sentence to show.
     *
     * @throws dev.portless.connector.edge.store.StoreUnavailableException when the store cannot be reached
     */
    public String send(BrowserSession session, String email, String returnTo, InetAddress client) {
        String address = email == null ? "" : email.strip();
        if (address.length() > 254 || !EMAIL.matcher(address).matches()) {
            return "\"" + address + "\" is not an e-mail address; check it and try again.";
        }
        address = address.toLowerCase(Locale.ROOT);
        if (!take("pin-mail-session:" + session.csrf(), perSession)
                || !take("pin-mail-email:" + address, perEmail)
                || !take("pin-mail-client:" + client.getHostAddress(), perClient)
                || !global.tryAcquire("all")) {
            log.warn("PIN mail to {} from {} refused: rate limit", address, client.getHostAddress());
            return "Too many codes were requested; wait a few minutes, then try again.";
        }
        String pin = String.format("%06d", RANDOM.nextInt(1_000_000));
        Instant expiresAt = clock.instant().plus(lifetime);
        PinSignIn signIn = new PinSignIn(BrowserSessions.random(), address);
        // 256 random bits: an id already taken is as unlikely as a guessed one, so a clash is a fault, not a retry.
        if (!store.putPinChallenge(
                signIn.challengeId(),
                pin,
                new StoredPinChallenge(address, requireNonNull(returnTo, "returnTo"), ATTEMPTS, expiresAt))) {
            throw new IllegalStateException("a PIN challenge id was issued twice");
        }
        try {
            mailer.send(address, "Your Portless sign-in code", """
                    Your Portless sign-in code is %s

                    It is valid for %d minutes. Enter it on the page that asked for it.
                    If you did not try to sign in, ignore this message.
                    """.formatted(pin, lifetime.toMinutes()));
        } catch (IOException e) {
            log.error("Cannot send a PIN to {}: {}", address, e.getMessage());
            return "The sign-in code could not be sent; try again later or ask the edge's administrator.";
        }
        session.beginSignIn(signIn);
        log.info("PIN sent to {} (client {})", address, client.getHostAddress());
        return null;
    }

    // Blocks for a round trip to a shared store: send runs on a web worker, never on an event loop.
    private boolean take(String bucket, RateLimit limit) {
        return store.takeFromWindow(bucket, limit.events(), limit.window(), clock.instant());
    }
}
