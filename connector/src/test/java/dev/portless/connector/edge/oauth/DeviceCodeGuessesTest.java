package dev.portless.connector.edge.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.connector.edge.config.EdgeLimits.RateLimit;
import dev.portless.connector.edge.identity.session.BrowserSession;
import dev.portless.connector.edge.identity.session.BrowserSessions;
import dev.portless.connector.edge.oauth.DeviceCodeGuesses.Guess;
import dev.portless.connector.edge.oauth.DeviceCodeGuesses.Verdict;
import dev.portless.connector.edge.store.InMemoryEdgeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Wrong device codes counted in the store's windows: two edges sharing one store give a browser session one
 * budget, a right code costs nothing, and a try refused for the budget in all costs its session nothing.
 */
class DeviceCodeGuessesTest {
    private static final RateLimit PLENTY = new RateLimit(100, Duration.ofMinutes(1));

    private static final Instant START = Instant.parse("2026-12-04T12:00:00Z");

    private final InMemoryEdgeStore store = new InMemoryEdgeStore(at(START));
    private final BrowserSessions sessions = new BrowserSessions(Duration.ofHours(1), at(START), store);

    @Test
    void wrongCodesTriedAtTwoEdgesAddUpToOneBudget() {
        DeviceCodeGuesses[] edges = {
            new DeviceCodeGuesses(store, PLENTY, at(START)), new DeviceCodeGuesses(store, PLENTY, at(START))
        };
        BrowserSession mallory = sessions.startAnonymous();
        for (int left = 4; left >= 0; left--) {
            Guess guess = edges[left % 2].take(mallory);
            assertEquals(new Guess(Verdict.ALLOWED, guess.bucket(), left), guess);
        }
        assertEquals(Verdict.SESSION_SPENT, edges[1].take(mallory).verdict(), "the sixth try, at either edge");
        assertEquals(Verdict.SESSION_SPENT, edges[0].take(mallory).verdict());
        DeviceCodeGuesses later =
                new DeviceCodeGuesses(store, PLENTY, at(START.plus(DeviceCodeGuesses.SESSION_WINDOW)));
        assertEquals(4, later.take(mallory).leftIfWrong(), "a new window starts when one ends");
    }

    @Test
    void aRightCodeUsesNothingUp() {
        DeviceCodeGuesses guesses = new DeviceCodeGuesses(store, new RateLimit(2, Duration.ofMinutes(1)), at(START));
        BrowserSession alice = sessions.startAnonymous();
        for (int i = 0; i < 10; i++) {
            Guess guess = guesses.take(alice);
            assertEquals(Verdict.ALLOWED, guess.verdict(), "try " + i);
            guesses.giveBack(guess);
        }
        assertEquals(4, guesses.take(alice).leftIfWrong());
    }

    @Test
    void aTryRefusedForTheBudgetInAllCostsItsSessionNothing() {
        RateLimit overall = new RateLimit(3, Duration.ofMinutes(1));
        DeviceCodeGuesses guesses = new DeviceCodeGuesses(store, overall, at(START));
        BrowserSession first = sessions.startAnonymous();
        BrowserSession second = sessions.startAnonymous();
        guesses.take(first);
        guesses.take(first);
        guesses.take(second);
        assertEquals(Verdict.ALL_SPENT, guesses.take(second).verdict());
        assertEquals(Verdict.ALL_SPENT, guesses.take(second).verdict());
        DeviceCodeGuesses later = new DeviceCodeGuesses(store, overall, at(START.plus(overall.window())));
        assertEquals(3, later.take(second).leftIfWrong(), "only its one counted try used its budget");
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
