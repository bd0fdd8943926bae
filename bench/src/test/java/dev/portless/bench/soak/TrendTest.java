package dev.portless.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrendTest {

    private static final List<Double> TIMES = List.of(0.0, 30.0, 60.0, 90.0, 120.0, 150.0);

    @Test
    void aFlatSeriesAfterItsWarmUpDoesNotRise() {
        // The first third (a warm-up climb) is left out of the fit.
        Trend t = Trend.of(TIMES, List.of(50.0, 100.0, 100.0, 100.0, 100.0, 100.0));

        assertEquals(0.0, t.risePercent(), 1e-9);
        assertEquals(4, t.samples());
    }

    @Test
    void aSteadyClimbIsMeasuredFromTheStartOfTheFit() {
        // 100 -> 106 over the last four samples: 6 %.
        Trend t = Trend.of(TIMES, List.of(0.0, 0.0, 100.0, 102.0, 104.0, 106.0));

        assertEquals(6.0, t.risePercent(), 1e-9);
        assertEquals(6.0, t.rise(), 1e-9);
    }

    @Test
    void aFallingSeriesRisesByANegativeAmount() {
        Trend t = Trend.of(TIMES, List.of(9.0, 9.0, 200.0, 198.0, 196.0, 194.0));

        assertEquals(-3.0, t.risePercent(), 1e-9);
    }

    @Test
    void oneSampleHasNoTrend() {
        assertEquals(0.0, Trend.of(List.of(0.0), List.of(5.0)).risePercent());
    }

    @Test
    void timesAndValuesMustPair() {
        assertThrows(IllegalArgumentException.class, () -> Trend.of(List.of(0.0, 1.0), List.of(5.0)));
    }
}
