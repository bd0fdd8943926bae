package dev.portless.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @TempDir
    Path dir;

    @Test
    void summaryQuotesTheMedianAndTheSpread() {
        assertEquals(new Summary(2, 1, 9, 3), Summary.of(List.of(9.0, 1.0, 2.0)));
        assertEquals(new Summary(2.5, 1, 9, 4), Summary.of(List.of(9.0, 1.0, 2.0, 3.0)));
    }

    @Test
    void targetsCompareMediansOfTheSameRun() throws IOException {
        Results r = results(
                "tput1_gbps\tssh\t1\t2.0",
                "tput1_gbps\tssh\t2\t2.2",
                "tput1_gbps\tportless\t1\t4.1",
                "tput1_gbps\tportless\t2\t4.5",
                "rtt_p50_us\tssh\t1\t100",
                "rtt_p50_us\tportless\t1\t150",
                "setup_p50_ms\tportless\t1\t1.7",
                "idle_rss_kib_per_stream\tportless\t1\t80");
        assertEquals(Optional.of(true), check(Figure.THROUGHPUT_1).met(r), "4.3 / 2.1 >= 2");
        assertEquals(Optional.of(false), check(Figure.RTT_P50).met(r));
        assertEquals(Optional.of(true), check(Figure.SETUP_P50).met(r));
        assertEquals(Optional.of(false), check(Figure.IDLE_RSS).met(r));
        assertEquals(Optional.empty(), check(Figure.RATE).met(r), "not measured is not met");
    }

    @Test
    void theTableHasEveryFigureAndSaysWhatIsMissing() throws IOException {
        Results r = results(
                "tput1_gbps\tdirect\t1\t30",
                "tput1_gbps\tssh\t1\t2",
                "tput1_gbps\tportless\t1\t3",
                "rtt_samples\tportless\t1\t20000");
        String table = MarkdownTable.render(r);
        assertEquals(Figure.values().length + 2, table.lines().count(), table);
        assertTrue(
                table.contains(
                        "| Throughput, 1 stream (iperf3), Gbit/s | 30.00 | 2.00 | 3.00 | 1.50× | 0.10× | ≥ 2× ssh -L | **MISSED** |"),
                table);
        assertTrue(r.missing().contains("rtt_p50_us on portless"));
        assertTrue(!r.missing().contains("tput1_gbps on ssh"));
    }

    private Results results(String... lines) throws IOException {
        Path file = dir.resolve("results.tsv");
        Files.write(file, List.of(lines));
        return Results.read(file);
    }

    private static Target.Check check(Figure figure) {
        return Target.of(figure).orElseThrow().check();
    }
}
