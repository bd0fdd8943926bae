package dev.portless.connector.edge.oauth;

import static java.util.Objects.requireNonNull;

import dev.portless.connector.edge.config.EdgeLimits.RateLimit;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.store.EdgeStore;
import java.time.Clock;
import java.time.Duration;

/**
 * The user codes tried on the {@code /device} page, counted in the rate windows of the edge's store: per browser
 * session and in all, so guesses spread over the edges sharing a store add up to one budget rather than one per
 * edge. A try is counted before its code is looked up, so tries sent at once cannot overrun the budget, and given
 * back when the code was right: only wrong codes use the budget up.
 */
final class DeviceCodeGuesses {
    /** Wrong codes one browser session may try per {@link #SESSION_WINDOW}. */
    static final int PER_SESSION = 5;
    /** The window of {@link #PER_SESSION}. */
    static final Duration SESSION_WINDOW = Duration.ofMinutes(15);

    private static final String ALL = "device-code-guesses";

    private final EdgeStore store;
    private final RateLimit overall;
    private final Clock clock;

    /** Returns the count kept in {@code store}, at most {@code overall} wrong codes in all. */
    DeviceCodeGuesses(EdgeStore store, RateLimit overall, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.overall = requireNonNull(overall, "overall");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Counts one try by {@code session}; returns whether it may look its code up, and how many tries it has left
     * if the code is wrong. Blocks on the store: call it from a web worker.
     */
    Guess take(BrowserSession session) {
        String mine = bucket(session);
        int used = store.countInWindow(mine, SESSION_WINDOW, clock.instant());
        if (used > PER_SESSION) {
            return new Guess(Verdict.SESSION_SPENT, mine, 0);
        }
        if (store.countInWindow(ALL, overall.window(), clock.instant()) > overall.events()) {
            // Not this session's fault: its try did not happen.
            store.uncountInWindow(mine, clock.instant());
            return new Guess(Verdict.ALL_SPENT, mine, 0);
        }
        return new Guess(Verdict.ALLOWED, mine, PER_SESSION - used);
    }

    /** Gives back the try {@code guess} counted: its code was right. */
    void giveBack(Guess guess) {
        if (guess.verdict() == Verdict.ALLOWED) {
            store.uncountInWindow(guess.bucket(), clock.instant());
            store.uncountInWindow(ALL, clock.instant());
        }
    }

    private static String bucket(BrowserSession session) {
        return "device-code-guesses-session:" + EdgeStore.sessionDigest(session.id());
    }

    /** Whether a try may look its code up. */
    enum Verdict {
        /** It may. */
        ALLOWED,
        /** Its browser session tried too many wrong codes in this window. */
        SESSION_SPENT,
        /** Too many wrong codes were tried in all, at every edge sharing the store. */
        ALL_SPENT
    }

    /**
     * One counted try.
     *
     * @param verdict    whether it may look its code up
     * @param bucket     the window of its browser session
     * @param leftIfWrong the wrong codes its session may still try if this one is wrong
     */
    record Guess(Verdict verdict, String bucket, int leftIfWrong) {}
}
