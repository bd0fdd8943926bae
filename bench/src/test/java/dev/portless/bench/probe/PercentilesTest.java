package dev.portless.bench.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRankOfAHundredSamples() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // unsorted on purpose: 100, 99, ..., 1
        }
        Percentiles p = Percentiles.of(samples);
        assertEquals(50, p.at(50));
        assertEquals(99, p.at(99));
        assertEquals(100, p.at(99.9));
        assertEquals(100, p.at(100));
        assertEquals(100, samples[0], "the caller's array is left as it was");
    }

    @Test
    void oneSampleIsEveryPercentile() {
        Percentiles p = Percentiles.of(new long[] {7});
        assertEquals(7, p.at(0.1));
        assertEquals(7, p.at(99.9));
    }

    @Test
    void refusesNothingToMeasureAndPercentilesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[0]));
        assertThrows(
                IllegalArgumentException.class,
                () -> Percentiles.of(new long[] {1}).at(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> Percentiles.of(new long[] {1}).at(100.1));
    }
}
