package dev.portless.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesEachUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @Test
    void refusesOtherForms() {
        for (String text : new String[] {"", "10", "1m30s", "-1s", "1.5s", "10 s", "10S", "PT10S", "1d", "s"}) {
            final IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Durations.parse(text), text);
            assertEquals(true, e.getMessage().endsWith("(expected: " + Durations.EXPECTED + ")"), e.getMessage());
        }
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
    }

    @Test
    void formatRoundTrips() {
        for (String text : new String[] {"1ms", "30s", "1m", "3h", "61s"}) {
            assertEquals(text, Durations.format(Durations.parse(text)));
        }
    }
}
